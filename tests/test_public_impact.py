"""The public impact page: every figure is a sum of the council's ledger entries, recomputed here from the raw
rows; nothing unconfirmed, unpublished or personal shows; the cache always equals the ledger; queries do not grow
with rows."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.formatting import long_date, pounds, with_unit
from app.models import CaseStudy, Commitment, CaseStudyStatus, LedgerEntry, User
from app.queries.impact import CACHE_KEY, public_council
from app.queries.reports import FinancialYear
from app.services import ledger as ledger_service
from app.services import pledges
from tests import factories_ledger as ledger
from tests.factories_impact import Oracle, add_entries, add_entry, page_tables, random_ledger

TODAY = date.today()
THIS_YEAR = FinancialYear.of(TODAY)
YEAR_LABEL = f"This year ({THIS_YEAR.label})"


def _page(client) -> str:
    """The impact page, which must answer 200."""
    response = client.get("/impact")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _expected_split(oracle: Oracle, key: str) -> list[list[str]]:
    """An area or theme table's rows as the page should show them: label, this year, all time."""
    year, year_none = oracle.by(key, THIS_YEAR.start, THIS_YEAR.end)
    ever, ever_none = oracle.by(key)
    rows = [[label, pounds(year[label].pence) if label in year else "£0.00", pounds(sums.pence), ""]
            for label, sums in ever.items()]
    if ever_none.deliveries:
        rows.append([f"No {key}", pounds(year_none.pence if year_none.deliveries else 0), pounds(ever_none.pence), ""])
    return rows


def _check_page_against_ledger(html: str, oracle: Oracle) -> None:
    """Every figure on the page equals the oracle's, to the penny."""
    tables = page_tables(html)
    year, ever = oracle.total(THIS_YEAR.start, THIS_YEAR.end), oracle.total()
    assert tables["The headline figures"] == [
        ["Confirmed social value", pounds(year.pence), pounds(ever.pence)],
        ["Deliveries confirmed", str(year.deliveries), str(ever.deliveries)],
        ["Needs met", str(oracle.needs_met(THIS_YEAR.start, THIS_YEAR.end)), str(oracle.needs_met())]]
    assert f"{pounds(year.pence)}</span>" in html and f"{pounds(ever.pence)}</span>" in html

    year_measures, measures = oracle.by_measure(THIS_YEAR.start, THIS_YEAR.end), oracle.by_measure()
    units = {m["name"]: m["unit"] for m in oracle.measures.values()}
    want = []
    for name, sums in measures.items():
        only_units = not any(e["pence_per_unit"] for e in oracle.entries
                             if oracle.measures[e["measure_id"]]["name"] == name)
        label = name + (" no proxy value: counted in units" if only_units else "")
        in_year = year_measures.get(name)
        want.append([label, f"{with_unit(in_year.units, units[name])} {pounds(in_year.pence)}" if in_year else "—",
                     f"{with_unit(sums.units, units[name])} {pounds(sums.pence)}"])
    assert sorted(tables["Outputs by measure"]) == sorted(want)

    for key, title in (("area", "By area"), ("theme", "By theme")):
        assert sorted(tables[title]) == sorted(_expected_split(oracle, key)), title
        overlapping = any(len(links) > 1 for links in oracle.links[key].values())
        assert (f"a delivery under several {key}s counts in each" in html) == overlapping

    proxies = []
    for (code, per_unit, since, source), sums in oracle.proxies_used().items():
        unit = next(m["unit"] for m in oracle.measures.values() if m["code"] == code)
        name = next(m["name"] for m in oracle.measures.values() if m["code"] == code)
        proxies.append([f"{name} {code}, per {unit}", pounds(per_unit) if per_unit else "None: counted in units",
                        long_date(since) if since else "—", source or "Not recorded", with_unit(sums.units, unit),
                        pounds(sums.pence)])
    assert sorted(tables["Measures and proxy values used"]) == sorted(proxies)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_figure_on_the_impact_page_is_the_ledger_recomputed(client, app, make, seed):
    world = random_ledger(app, make, seed=seed, year=THIS_YEAR.start.year, entries=45)
    oracle = Oracle(app, world.council)
    assert oracle.total().deliveries > 0 and oracle.needs_met() > 0
    _check_page_against_ledger(_page(client), oracle)
    assert "Other Borough Council" not in _page(client)


def test_31_march_counts_in_the_old_year_and_1_april_in_the_new(client, app, make):
    world = random_ledger(app, make, seed=9, year=THIS_YEAR.start.year, entries=0)
    with app.app_context():
        add_entry(world, world.commitments[0], None, None, Decimal("1"), THIS_YEAR.start - timedelta(days=1))
        add_entry(world, world.commitments[0], None, None, Decimal("2"), THIS_YEAR.start)
        db.session.commit()
        db.session.remove()
    tables = page_tables(_page(client))
    # 1 hour at £12.21 on 31 March (last year's proxy value); 2 hours at £13.00 on 1 April (this year's).
    assert tables["The headline figures"][0] == ["Confirmed social value", "£26.00", "£38.21"]
    assert tables["The headline figures"][1] == ["Deliveries confirmed", "1", "2"]


def test_the_page_shows_nothing_unconfirmed_unpublished_or_personal(client, app, make):
    world = random_ledger(app, make, seed=4, year=THIS_YEAR.start.year, entries=12)
    with app.app_context():
        counting = db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.id.in_(world.entries), LedgerEntry.reverses_id.is_(None),
            ~LedgerEntry.id.in_(select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))),
            LedgerEntry.need_id.is_not(None))).all()
        for entry, status, story in zip(counting, ("published", "pending", "declined"),
                                        ("Published: the hall is warm", "Pending story", "Declined story")):
            db.session.add(CaseStudy(pledge_id=entry.pledge_id, ledger_entry_id=entry.id, story=f"{story} raw",
                                     edited_story=story, status=CaseStudyStatus(status),
                                     consent_by_id=entry.confirmed_by_id))
        people = db.session.execute(select(User.name, User.email)).all()
        db.session.commit()
        published_id = db.session.scalar(select(CaseStudy.id).where(CaseStudy.status == CaseStudyStatus.PUBLISHED))
        db.session.remove()
    # An offered and a delivered (unconfirmed) pledge: neither writes to the ledger.
    need = make.need(world.vcses[0], status="open", measure_id=make.get(Commitment, world.commitments[0]).measure_id,
                     quantity="5000", title="Unconfirmed need title")
    unconfirmed = ledger.delivered_pledge(app, need, world.commitments[0], world.supplier_users[0],
                                          world.vcse_users[0], "999")
    html = _page(client)
    assert f'href="/impact/stories/{published_id}"' in html
    for hidden in ("Pending story", "Declined story", " raw", "Private story", "01234 567890", "We can help",
                   "Painted the community hall", "Unconfirmed need title", *(name for name, _ in people),
                   *(email for _, email in people)):
        assert hidden not in html, hidden
    assert unconfirmed and "999" not in html
    _check_page_against_ledger(html, Oracle(app, world.council))


def test_query_count_does_not_grow_with_rows(client, app, make, count_queries):
    world = random_ledger(app, make, seed=5, year=THIS_YEAR.start.year, entries=3)

    def uncached_queries() -> int:
        app.extensions.pop(CACHE_KEY, None)
        with count_queries() as counter:
            _page(client)
        return counter["n"]

    few = uncached_queries()
    add_entries(app, world, 60, seed=6)
    assert uncached_queries() == few
    with count_queries() as counter:  # served from the cache: the fingerprint, the council and the stories
        _page(client)
    assert counter["n"] < few


def test_the_council_shown_is_the_configured_one_else_the_first_approved(app, make):
    first = make.organisation(kind="buyer", name="Alpha Council")
    make.organisation(kind="buyer", name="Wyvern County Council", status="pending")
    with app.app_context():
        assert public_council("Wyvern County Council").name == "Wyvern County Council"
        assert public_council("No Such Council").id == first
        db.session.remove()


def test_the_page_without_any_council_says_there_is_nothing_yet(client):
    assert "There are no figures to show yet." in _page(client)


def test_the_cache_equals_the_ledger_after_every_kind_of_write(client, app, make):
    w = ledger.ledger_world(app, make)
    manager, moderator = w.manager, w.moderator
    html = _page(client)
    assert page_tables(html)["The headline figures"][0][2] == "£0.00"
    checks = 0

    def matches() -> None:
        nonlocal checks
        _check_page_against_ledger(_page(client), Oracle(app, w.council))
        checks += 1

    entry = ledger.confirmed_entry(app, w.need, w.commitment, w.supplier_user, w.vcse_user, "3")  # a confirmation
    matches()
    with app.app_context():
        ledger_service.reverse_entry(entry, db.session.get(User, manager), reason="Entered twice")  # a reversal
        db.session.remove()
    matches()
    disputed = ledger.disputed_pledge(app, w.need, w.commitment, w.supplier_user, w.vcse_user, "4")
    matches()  # a dispute writes nothing
    with app.app_context():
        pledges.resolve_dispute_by_confirming(disputed, db.session.get(User, moderator), quantity=Decimal("4"),
                                              note="Photos show the work")
        db.session.remove()
    matches()
    assert page_tables(_page(client))["The headline figures"][0][2] == pounds(4 * 1221)
    assert checks == 4
