"""The council overview: every figure recomputed here from ledger rows alone, to the penny, across year boundaries."""
import csv
import io
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contract, LedgerEntry, Need, Offer, Pledge, User
from app.queries.overview import nearest_rank
from app.queries.reports import FinancialYear
from app.services import ledger, offer_requests, pledges
from tests import factories_ledger as fl
from tests import factories_offers as fo

TODAY = date.today()
THIS_YEAR = FinancialYear.of(TODAY)
LAST_YEAR = FinancialYear.starting(THIS_YEAR.start.year - 1)


def _csv(client, url: str) -> list[dict]:
    """A CSV download's rows (it must start with a byte order mark)."""
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def _deliver_and_confirm(app, pledge_id: int, supplier_user: int, vcse_user: int, quantity: str, on: date) -> int:
    """Mark a pledge delivered on a day (its history moved back to allow it) and confirm it; the entry's id."""
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        pledge.created_at = min(pledge.created_at, datetime.combine(on, time()) - timedelta(days=1))
        db.session.commit()
        if pledge.status.value == "offered":
            pledges.accept_pledge(pledge_id, db.session.get(User, vcse_user))
        pledges.mark_delivered(pledge_id, db.session.get(User, supplier_user), quantity=Decimal(quantity),
                               delivered_on=on, note="Done")
        entry = pledges.confirm_delivery(pledge_id, db.session.get(User, vcse_user), quantity=Decimal(quantity))
        entry_id = entry.id
        db.session.remove()
        return entry_id


@pytest.fixture
def world(app, make):
    """A council whose contract began three years ago, needs under several themes and areas, an offer serving
    two areas and two themes, and deliveries on both sides of 1 April (a few reversed), chosen at random."""
    w = fl.ledger_world(app, make, need_quantity="1000", commitment_quantity="100000")
    with app.app_context():
        contract = db.session.get(Contract, w.contract)
        contract.starts_on = LAST_YEAR.start - timedelta(days=400)
        db.session.commit()
    areas = [make.area(f"Area {n}") for n in "ABC"]
    themes = [make.theme(f"Theme {n}") for n in "XYZ"]
    needs = [make.need(w.vcse, measure_id=w.measure, area_id=areas[i % 3], quantity="1000",
                       theme_ids=themes[:1 + i % 3]) for i in range(4)]
    offer = fo.offer(app, w.commitment, quantity="500", most_per_request="50", area_ids=areas[1:], theme_ids=themes[:2])
    other_supplier = make.organisation(kind="supplier", name="Other Supplier Ltd")
    other_user = make.user(other_supplier)
    other_contract = fl.contract(app, w.council, other_supplier, w.manager)
    with app.app_context():
        db.session.get(Contract, other_contract).starts_on = LAST_YEAR.start - timedelta(days=10)
        db.session.commit()
    other_commitment = fl.commitment(app, other_contract, w.measure, "100000")
    days = [LAST_YEAR.start - timedelta(days=1), LAST_YEAR.start, LAST_YEAR.end, THIS_YEAR.start,
            THIS_YEAR.start + timedelta(days=40), min(TODAY, THIS_YEAR.end)]
    rng = random.Random(20261203)
    entries = []
    for n in range(14):
        on, quantity = rng.choice(days), f"{rng.randint(1, 40)}.{rng.choice(['0', '25', '5'])}"
        if n % 4 == 3:  # through the offer
            with app.app_context():
                made = offer_requests.request_offer(db.session.get(User, w.vcse_user), offer_id=offer,
                                                    quantity=Decimal("2"), wanted_on=TODAY + timedelta(days=7),
                                                    message="Please")
                pledge_id = offer_requests.accept_request(made.id, db.session.get(User, w.supplier_user)).id
                db.session.remove()
            quantity = "2"
        elif n % 5 == 4 and on >= LAST_YEAR.start - timedelta(days=10):
            pledge_id = fl.offered_pledge(app, needs[n % 4], other_commitment, other_user, quantity)
            entries.append(_deliver_and_confirm(app, pledge_id, other_user, w.vcse_user, quantity, on))
            continue
        else:
            pledge_id = fl.offered_pledge(app, needs[n % 4], w.commitment, w.supplier_user, quantity)
        entries.append(_deliver_and_confirm(app, pledge_id, w.supplier_user, w.vcse_user, quantity, on))
    with app.app_context():
        for entry_id in rng.sample(entries, 3):
            ledger.reverse_entry(entry_id, db.session.get(User, w.manager), reason="Recorded in error")
    w.areas, w.themes = areas, themes
    return w


def _expected(period_start: date, period_end: date) -> dict:
    """Every figure of the value tables, summed from ledger rows and their needs' and offers' tags."""
    sums: dict[str, dict] = {key: defaultdict(lambda: [0, 0, Decimal(0)]) for key in
                             ("theme", "area", "measure", "supplier", "month")}
    total = [0, 0]
    overlaps = {"theme": False, "area": False}
    for entry in db.session.scalars(select(LedgerEntry).where(LedgerEntry.delivered_on >= period_start,
                                                              LedgerEntry.delivered_on <= period_end)):
        sign = -1 if entry.reverses_id else 1
        if entry.need_id:
            need = db.session.get(Need, entry.need_id)
            tags = {"theme": [t.name for t in need.themes], "area": [need.area.name]}
        else:
            offer = db.session.get(Offer, entry.pledge.offer_request.offer_id)
            tags = {"theme": [t.name for t in offer.themes], "area": [a.name for a in offer.areas]}
        tags |= {"measure": [entry.measure.name], "supplier": [entry.pledge.supplier.name],
                 "month": [f"{entry.delivered_on:%B %Y}"]}
        for key, labels in tags.items():
            overlaps[key] = overlaps.get(key, False) or len(labels) > 1
            for label in labels:
                row = sums[key][label]
                row[0] += entry.value_pence
                row[1] += sign
                row[2] += entry.quantity
        total[0] += entry.value_pence
        total[1] += sign
    return {"sums": sums, "total": total, "overlaps": overlaps}


@pytest.mark.parametrize("which", ["this", "last", "custom"])
def test_every_value_table_matches_the_ledger_to_the_penny(app, client, login, world, ctx, which):
    start, end = {"this": (THIS_YEAR.start, THIS_YEAR.end), "last": (LAST_YEAR.start, LAST_YEAR.end),
                  "custom": (LAST_YEAR.end, THIS_YEAR.start)}[which]
    query = f"year={start.year}" if which != "custom" else f"from={start}&to={end}"
    login(world.moderator)
    with ctx():
        expected = _expected(start, end)
    assert expected["total"][1] > 0  # the random world put deliveries in this period
    for key in ("theme", "area", "measure", "supplier", "month"):
        rows = _csv(client, f"/reports/overview/{key}.csv?{query}")
        got = {r[key.capitalize()]: (int(Decimal(r["Confirmed (£)"]) * 100), int(r["Deliveries"])) for r in rows
               if not r[key.capitalize()].startswith("No ")}
        want = {label: (p, n) for label, (p, n, _) in expected["sums"][key].items()}
        if key == "month":
            got = {label: v for label, v in got.items() if v != (0, 0)}
        assert got == want, key
    page = client.get(f"/reports/overview?{query}").get_data(as_text=True)
    from app.formatting import pounds
    assert pounds(expected["total"][0]) in page
    assert ("These rows overlap" in page) == (expected["overlaps"]["theme"] or expected["overlaps"]["area"])


def test_measures_show_units_beside_pounds_and_a_delivery_before_any_proxy_value_counts_in_units(
        app, client, login, world, ctx):
    login(world.manager)
    rows = _csv(client, f"/reports/overview/measure.csv?from={LAST_YEAR.start - timedelta(days=5)}&to={TODAY}")
    with ctx():
        entries = db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.delivered_on >= LAST_YEAR.start - timedelta(days=5))).all()
        units = sum(e.quantity for e in entries)
    assert len(rows) == 1 and Decimal(rows[0]["Units"]) == units


def test_the_default_period_is_this_financial_year_and_bad_dates_are_refused_next_to_the_field(client, login, world):
    login(world.manager)
    page = client.get("/reports/overview").get_data(as_text=True)
    assert f"The financial year {THIS_YEAR.label}" in page
    for query, message in [("from=2026-02-30", "Start date must be a real date"),
                           ("from=2026-05-01&to=2026-04-01", "End date must be the same as or after the start date"),
                           ("from=1066-10-14", "Start date must be between 2000 and 2100"),
                           ("from=2000-01-01&to=2099-01-01", "The period must be 20 years or shorter")]:
        response = client.get(f"/reports/overview?{query}")
        assert response.status_code == 400 and message in response.get_data(as_text=True), query
    assert client.get("/reports/overview/theme.csv?from=nonsense").status_code == 400
    assert client.get("/reports/overview/passwords.csv").status_code == 404
    assert client.get("/reports/overview?year=99999999999999999999").status_code == 200


def test_value_per_pound_spreads_contract_value_over_the_term(app, client, login, make, ctx):
    w = fl.ledger_world(app, make)
    with app.app_context():
        contract = db.session.get(Contract, w.contract)  # £1,000,000 over exactly two financial years
        contract.starts_on, contract.ends_on = LAST_YEAR.start, THIS_YEAR.end
        db.session.commit()
    fl.confirmed_entry(app, w.need, w.commitment, w.supplier_user, w.vcse_user, "100")  # £1,221.00 today
    login(w.manager)
    page = client.get(f"/reports/overview?year={THIS_YEAR.start.year}").get_data(as_text=True)
    days_this_year = (THIS_YEAR.end - THIS_YEAR.start).days + 1
    total_days = (THIS_YEAR.end - LAST_YEAR.start).days + 1
    value = int(Decimal(100_000_000) * days_this_year / total_days)
    from app.formatting import pounds
    assert f"Contract value in the period: {pounds(value)}" in page
    assert f"{(Decimal(122_100) * 100 / value).quantize(Decimal('0.1'))}%" in page


def test_needs_outcomes_and_timings_count_needs_published_in_the_period(app, client, login, make, ctx):
    w = fl.ledger_world(app, make, need_quantity="10")
    area = make.area("Ashby Vale")
    with ctx():
        published = datetime.combine(TODAY, time()) - timedelta(days=20)
        db.session.get(Need, w.need).opened_at = published
        db.session.commit()
    waiting = make.need(w.vcse, measure_id=w.measure, area_id=area)
    expired = make.need(w.vcse, measure_id=w.measure, area_id=area, status="expired")
    with ctx():
        for need_id in (waiting, expired):
            db.session.get(Need, need_id).opened_at = published
        db.session.commit()
    pledge_id = fl.offered_pledge(app, w.need, w.commitment, w.supplier_user, "10")
    with ctx():
        db.session.get(Pledge, pledge_id).created_at = published + timedelta(days=3)
        db.session.commit()
    _deliver_and_confirm(app, pledge_id, w.supplier_user, w.vcse_user, "10", TODAY - timedelta(days=8))
    login(w.manager)
    by_area = {r["Area"]: r for r in _csv(client, "/reports/overview/needs-by-area.csv")}
    assert by_area["Ashby Vale"]["Posted"] == "2" and by_area["Ashby Vale"]["Expired"] == "1"
    assert by_area["Ashby Vale"]["Still open"] == "1"
    met = [r for r in by_area.values() if r["Met"] == "1"]
    assert len(met) == 1
    timings = {r["Measure"]: r for r in _csv(client, "/reports/overview/timings.csv")}
    assert timings["Publication to first pledge"]["Median days"] == "3"
    assert timings["Publication to first confirmed delivery"]["Median days"] == "12"
    oldest = _csv(client, "/reports/overview/oldest-open-needs.csv")
    assert [r["Area"] for r in oldest] == ["Ashby Vale"]


def test_nearest_rank_percentiles():
    assert nearest_rank([], 50) is None
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([1, 2, 3, 4], 50) == 2
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank([5, 1, 3], 50) == 3


def test_overview_query_count_does_not_grow_with_rows(app, client, login, make, count_queries):
    w = fl.ledger_world(app, make, need_quantity="1000", commitment_quantity="1000")
    login(w.manager)

    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/reports/overview").status_code == 200
        return counter["n"]

    before = queries()
    for _ in range(6):
        fl.confirmed_entry(app, make.need(w.vcse, measure_id=w.measure), w.commitment, w.supplier_user,
                           w.vcse_user, "2")
    assert queries() == before


def test_the_entries_csv_lists_every_entry_in_the_period_and_adds_up_to_the_total(app, client, login, world, ctx):
    login(world.manager)
    rows = _csv(client, f"/reports/overview/entries.csv?year={LAST_YEAR.start.year}")
    with ctx():
        expected = _expected(LAST_YEAR.start, LAST_YEAR.end)
        ids = set(db.session.scalars(select(LedgerEntry.id).where(LedgerEntry.delivered_on >= LAST_YEAR.start,
                                                                  LedgerEntry.delivered_on <= LAST_YEAR.end)))
    assert {int(r["Entry"]) for r in rows} == ids and len(rows) == len(ids)
    assert sum(Decimal(r["Value (£)"]) for r in rows) * 100 == expected["total"][0]
    assert all(r["Reason"] == "Recorded in error" for r in rows if r["Reverses entry"])


def test_a_cached_overview_equals_a_fresh_one_after_every_kind_of_write(app, client, login, world, ctx):
    from app.queries import overview as queries

    def both() -> tuple:
        with ctx():
            period = queries.Period.financial_year(TODAY)
            cached = queries.council_overview(world.council, period)
            queries.forget_ledger_sums()
            fresh = queries.council_overview(world.council, period)
            return cached, fresh

    login(world.manager)
    client.get("/reports/overview")  # fills the cache
    cached, fresh = both()
    assert cached == fresh
    before = fresh.total.pence
    entry = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "3")
    cached, fresh = both()
    assert cached == fresh and fresh.total.pence == before + 3 * 1221
    with ctx():
        ledger.reverse_entry(entry, db.session.get(User, world.manager), reason="Wrong")
    cached, fresh = both()
    assert cached == fresh and fresh.total.pence == before
    disputed = fl.disputed_pledge(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "2")
    with ctx():
        pledges.resolve_dispute_by_confirming(disputed, db.session.get(User, world.moderator), quantity=Decimal("1"),
                                              note="One of two")
    cached, fresh = both()
    assert cached == fresh and fresh.total.pence == before + 1221
