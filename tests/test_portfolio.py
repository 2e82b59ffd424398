"""The portfolio: every figure recomputed from ledger rows, the RAG rule, filters, sort, CSV and the council policy."""
import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent, Commitment, CommitmentLedgerTotal, Contract, ContractStatus, LedgerEntry, Pledge, PledgeStatus, Theme,
    User,
)
from app.models.progress import Rag, rag_status
from app.models.reference import value_in_pence
from app.services import ledger, pledges
from tests import factories_ledger as fl
from tests.conftest import csrf_token

TODAY = date.today()


def _html(response) -> str:
    """The page's text with whitespace squashed."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _csv(response) -> list[dict]:
    """A CSV download's rows, after checking it starts with a byte order mark."""
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


# --- The RAG rule -----------------------------------------------------------------------------------------------

START, END = date(2026, 1, 1), date(2026, 12, 31)  # 364 days: day 182 is 50% of the term


@pytest.mark.parametrize("confirmed_percent, expected", [
    (Decimal("40"), Rag.GREEN),      # exactly 10 points behind
    (Decimal("39.99"), Rag.AMBER),
    (Decimal("25"), Rag.AMBER),      # exactly 25 points behind
    (Decimal("24.99"), Rag.RED),
    (Decimal("90"), Rag.GREEN),      # ahead
])
def test_rag_bands_at_their_boundaries(confirmed_percent, expected):
    halfway = START + timedelta(days=182)
    target = 1_000_000
    assert rag_status(int(target * confirmed_percent / 100), target, START, END, halfway) is expected


def test_rag_is_grey_before_the_start_and_without_a_target():
    assert rag_status(0, 1000, START, END, START - timedelta(days=1)) is Rag.GREY
    assert rag_status(500, 0, START, END, START + timedelta(days=100)) is Rag.GREY
    assert rag_status(0, 1000, START, END, START) is Rag.GREEN  # day one: nothing due yet


# --- A world of several contracts --------------------------------------------------------------------------------

@pytest.fixture
def world(app, make):
    """Three contracts of one council (two suppliers), with confirmed deliveries, a reversal and open pledges."""
    w = fl.ledger_world(app, make, need_quantity="1000", commitment_quantity="500")
    other_supplier = make.organisation(kind="supplier", name="Zephyr Facilities")
    other_user = make.user(other_supplier)
    second_manager = make.council_user("contract_manager", organisation_id=w.council)
    behind = fl.contract(app, w.council, w.supplier, w.manager, reference="B-BEHIND", value_pence=50_000_000)
    with app.app_context():  # started long ago: most of its term has gone, nothing confirmed
        row = db.session.get(Contract, behind)
        row.starts_on = TODAY - timedelta(days=300)
        row.ends_on = TODAY + timedelta(days=65)
        db.session.commit()
    empty = fl.contract(app, w.council, other_supplier, second_manager, reference="C-EMPTY", value_pence=20_000_000)
    fl.commitment(app, behind, w.measure, "40", due_on=TODAY - timedelta(days=1))  # overdue
    entries = [fl.confirmed_entry(app, w.need, w.commitment, w.supplier_user, w.vcse_user, q) for q in ("10", "7.5")]
    with app.app_context():
        ledger.reverse_entry(entries[1], db.session.get(User, w.moderator), reason="Counted twice")
    fl.offered_pledge(app, w.need, w.commitment, w.supplier_user, "20")
    fl.offered_pledge(app, w.need, w.commitment, w.supplier_user, "2.5")  # 3,052.5p: rounds half up to 3,053p
    fl.delivered_pledge(app, w.need, w.commitment, w.supplier_user, w.vcse_user, "5")
    fl.delivered_pledge(app, w.need, w.commitment, w.supplier_user, w.vcse_user, "0.1")
    w.behind, w.empty, w.other_supplier, w.other_user, w.second_manager = (
        behind, empty, other_supplier, other_user, second_manager)
    return w


def _confirmed_by_contract(ctx) -> dict[int, int]:
    """Each contract's confirmed pence, summed here from the ledger rows themselves."""
    with ctx():
        sums: dict[int, int] = {}
        for entry in db.session.scalars(select(LedgerEntry)):
            sums[entry.contract_id] = sums.get(entry.contract_id, 0) + entry.value_pence
        return sums


def test_every_portfolio_figure_is_recomputed_from_ledger_and_pledge_rows(client, login, world, ctx):
    login(world.manager)
    rows = {row["Reference"]: row for row in _csv(client.get("/contracts/portfolio.csv"))}
    confirmed = _confirmed_by_contract(ctx)
    with ctx():
        for contract in db.session.scalars(select(Contract).where(Contract.buyer_id == world.council)):
            row = rows.pop(contract.reference)
            pence = confirmed.get(contract.id, 0)
            assert Decimal(row["Confirmed (£)"]) == Decimal(pence) / 100
            assert Decimal(row["Target (£)"]) == Decimal(contract.target_in_pence) / 100
            proxy = {c.id: c.measure.pence_per_unit_on(TODAY) for c in contract.commitments}
            committed = sum(round(c.quantity * proxy[c.id]) for c in contract.commitments)
            assert Decimal(row["Committed at today's proxy values (£)"]) == Decimal(committed) / 100
            pledged = delivered = 0
            for commitment in contract.commitments:  # each commitment's units at today's value, rounded half up
                pledges_on = db.session.scalars(select(Pledge).where(Pledge.commitment_id == commitment.id)).all()
                pledged += value_in_pence(sum((p.quantity for p in pledges_on if p.status in (
                    PledgeStatus.OFFERED, PledgeStatus.ACCEPTED)), Decimal(0)), proxy[commitment.id])
                delivered += value_in_pence(sum((p.delivered_quantity for p in pledges_on if p.status in (
                    PledgeStatus.DELIVERED, PledgeStatus.DISPUTED)), Decimal(0)), proxy[commitment.id])
            assert Decimal(row["Pledged at today's proxy values (£)"]) == Decimal(pledged) / 100
            assert Decimal(row["Delivered awaiting confirmation at today's proxy values (£)"]) == Decimal(delivered) / 100
    assert rows == {}
    # 10 units confirmed at £12.21, and 7.5 confirmed then reversed: £122.10 net, to the penny.
    assert confirmed[world.contract] == 12_210
    assert rows_pledged(client, world) == ("274.73", "62.27")  # 22.5 and 5.1 units at £12.21, rounded half up


def rows_pledged(client, world) -> tuple[str, str]:
    """The world's main contract's pledged and delivered-awaiting-confirmation pounds in the portfolio CSV."""
    row = next(r for r in _csv(client.get("/contracts/portfolio.csv")) if r["Reference"] != "B-BEHIND"
               and r["Reference"] != "C-EMPTY")
    return (row["Pledged at today's proxy values (£)"],
            row["Delivered awaiting confirmation at today's proxy values (£)"])


def test_overdue_rag_and_policy_flags_show_on_the_page(client, login, world):
    login(world.manager)
    rows = {row["Reference"]: row for row in _csv(client.get("/contracts/portfolio.csv"))}
    assert rows["B-BEHIND"]["Overdue commitments"] == "1"
    assert rows["B-BEHIND"]["RAG status"] == "red"
    assert rows["C-EMPTY"]["Policy flags"] == "Over the policy threshold with no commitments"
    page = _html(client.get("/contracts/"))
    assert "Green when the confirmed value, as a percentage of the target, is no more than 10" in page
    assert "Red: well behind" in page and "Over the policy threshold with no commitments" in page


def test_the_ledger_totals_the_portfolio_reads_equal_the_ledger_after_every_kind_of_write(app, world, ctx, make):
    def assert_equal():
        with ctx():
            kept = {t.commitment_id: (t.quantity, t.value_pence, t.entries)
                    for t in db.session.scalars(select(CommitmentLedgerTotal))}
            summed = {cid: (Decimal(q), int(p), n) for cid, q, p, n in db.session.execute(
                select(LedgerEntry.commitment_id, func.sum(LedgerEntry.quantity), func.sum(LedgerEntry.value_pence),
                       func.count()).group_by(LedgerEntry.commitment_id))}
            assert kept == summed

    assert_equal()  # deliveries confirmed and a reversal, from the fixture
    disputed = fl.disputed_pledge(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "3")
    with ctx():
        pledges.resolve_dispute_by_confirming(disputed, db.session.get(User, world.moderator),
                                              quantity=Decimal("2.5"), note="Half a session was missed")
    assert_equal()
    second = fl.commitment(app, world.behind, world.measure, "30")
    fl.confirmed_entry(app, world.need, second, world.supplier_user, world.vcse_user, "4.25")
    assert_equal()
    with ctx():
        entry = db.session.scalars(select(LedgerEntry).where(LedgerEntry.commitment_id == second)).one()
        ledger.reverse_entry(entry.id, db.session.get(User, world.manager), reason="Wrong contract")
    assert_equal()


def test_filters_sort_and_the_csv_hold_exactly_what_is_filtered(app, client, login, world, ctx):
    login(world.moderator)
    with ctx():
        theme = Theme(name="Tackle climate change")
        db.session.add(theme)
        db.session.flush()
        commitment = db.session.get(Commitment, world.commitment)
        commitment.themes.append(theme)
        db.session.commit()
        theme_id = theme.id

    def references(query: str) -> list[str]:
        return [row["Reference"] for row in _csv(client.get(f"/contracts/portfolio.csv?{query}"))]

    assert references(f"supplier={world.other_supplier}") == ["C-EMPTY"]
    assert references(f"manager={world.second_manager}") == ["C-EMPTY"]
    with ctx():
        themed = db.session.get(Contract, world.contract).reference
    assert references(f"theme={theme_id}") == [themed]
    assert references("rag=red") == ["B-BEHIND"]
    assert references("status=ended") == []
    values = [Decimal(r["Contract value (£)"]) for r in _csv(client.get("/contracts/portfolio.csv?sort=value"))]
    assert values == sorted(values) and len(set(values)) == 3
    assert references("sort=value&order=desc") == list(reversed(references("sort=value")))
    assert references("sort=reference") == sorted(references("sort=reference"), key=str.lower)
    page = _html(client.get("/contracts/?rag=red"))
    assert "B-BEHIND" in page and "C-EMPTY" not in page
    assert "rag=red" in page  # the CSV link keeps the filter


@pytest.mark.parametrize("query", ["page=0", "page=99999999999999999999", "supplier=abc", "theme=-1",
                                   "rag=purple", "sort=%00", "order=sideways", "status=deleted"])
def test_nonsense_in_the_query_string_is_ignored_not_an_error(client, login, world, query):
    login(world.manager)
    assert client.get(f"/contracts/?{query}").status_code == 200
    assert client.get(f"/contracts/portfolio.csv?{query}").status_code == 200


def test_pages_hold_page_size_rows_and_the_query_count_does_not_grow(app, client, login, make, count_queries):
    w = fl.ledger_world(app, make)
    login(w.manager)

    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/contracts/").status_code == 200
        return counter["n"]

    few = queries()
    for n in range(30):
        contract = fl.contract(app, w.council, w.supplier, w.manager, reference=f"BULK-{n:02d}")
        fl.commitment(app, contract, w.measure, "10")
    assert queries() == few
    first, second = _html(client.get("/contracts/?sort=reference")), _html(client.get("/contracts/?sort=reference&page=2"))
    assert first.count("BULK-") == 25 and "31 contracts" in first  # 25 a page, BULK-00 to BULK-24 first
    assert second.count("BULK-") == 5 and "BULK-29" in second and "BULK-24" not in second


def test_csv_cells_cannot_run_as_formulas(app, client, login, world, ctx):
    with ctx():
        db.session.get(Contract, world.contract).title = "=HYPERLINK(\"http://evil.example\")"
        db.session.commit()
    login(world.manager)
    text = client.get("/contracts/portfolio.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


# --- The council's policy ----------------------------------------------------------------------------------------

def _set_policy(client, **fields):
    data = {"threshold_pence": "25,000", "percent_of_value": "", "pounds_per_pound": "", **fields}
    data["csrf_token"] = csrf_token(client, "/admin/policy")
    return client.post("/admin/policy", data=data)


def test_an_admin_sets_the_policy_and_the_portfolio_and_contract_form_follow_it(app, client, login, world, make, ctx):
    admin = make.council_user("admin", organisation_id=world.council)
    login(admin)
    assert "It applies to contracts worth more than £100,000." in _html(client.get("/admin/policy"))
    response = _set_policy(client, threshold_pence="25,000", pounds_per_pound="1")
    assert response.status_code == 303
    with ctx():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.changed")).one()
        assert event.actor_id == admin and event.data["after"]["pounds_per_pound"] == "1"
    login(world.manager)
    form = _html(client.get("/contracts/new"))
    assert "of at least £1 for every £1 of contract value" in form and "more than £25,000" in form
    rows = {row["Reference"]: row for row in _csv(client.get("/contracts/portfolio.csv"))}
    # £1 per £1 asks for a target of 100% of value; every 10% target is now below it.
    assert all("Target below the policy level" in row["Policy flags"] for row in rows.values())


@pytest.mark.parametrize("fields, message", [
    ({"threshold_pence": ""}, "Enter the contract value above which social value is expected"),
    ({"percent_of_value": "101"}, "Percentage must be 100 or less"),
    ({"pounds_per_pound": "11"}, "Pounds per pound must be 10 or less"),
    ({"percent_of_value": "ten"}, "Percentage must be a number"),
    ({}, "Enter a percentage of contract value, pounds per pound, or both"),
])
def test_a_bad_policy_is_refused_next_to_its_field_and_keeps_what_was_typed(client, login, world, make, ctx,
                                                                              fields, message):
    login(make.council_user("admin", organisation_id=world.council))
    response = _set_policy(client, **{"threshold_pence": "30,000", **fields})
    page = _html(response)
    assert response.status_code == 422 and message in page
    if "threshold_pence" not in fields:
        assert 'value="30,000"' in page  # what was typed is still in the box
    with ctx():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "policy.changed")) == 0


def test_a_contract_under_the_threshold_is_not_flagged(app, client, login, world):
    small = fl.contract(app, world.council, world.supplier, world.manager, reference="SMALL", value_pence=2_000_000)
    assert small
    login(world.manager)
    rows = {row["Reference"]: row for row in _csv(client.get("/contracts/portfolio.csv"))}
    assert rows["SMALL"]["Policy flags"] == ""
    assert rows[next(r for r in rows if r not in {"SMALL", "B-BEHIND", "C-EMPTY"})]["Policy flags"] == ""


def test_ended_contracts_use_the_day_they_ended_for_their_term(app, client, login, world, ctx):
    with ctx():
        row = db.session.get(Contract, world.behind)
        row.status, row.ended_on, row.end_reason = ContractStatus.ENDED, TODAY - timedelta(days=10), "Ended"
        db.session.commit()
    login(world.manager)
    rows = {row["Reference"]: row for row in _csv(client.get("/contracts/portfolio.csv?status=ended"))}
    assert rows["B-BEHIND"]["Term gone (%)"] == "100" and rows["B-BEHIND"]["Ends"] == str(TODAY - timedelta(days=10))


# --- The contract page's chart and ledger CSV ---------------------------------------------------------------------

def test_the_chart_table_sums_the_ledger_by_delivery_month(app, client, login, world, ctx):
    login(world.manager)
    page = _html(client.get(f"/contracts/{world.contract}"))
    assert '<svg class="app-chart__svg"' in page and "Straight line to the target" in page
    with ctx():
        contract = db.session.get(Contract, world.contract)
        confirmed = sum(e.value_pence for e in db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.contract_id == contract.id)))
        this_month = TODAY.strftime("%B %Y")
    from app.formatting import pounds
    row = re.search(rf"{this_month}</th>(.*?)</tr>", page).group(1)
    assert row.count(pounds(confirmed)) == 2  # in the month, and so far (nothing before this month)


def test_ledger_csv_has_every_entry_with_its_evidence_and_exact_pounds(app, client, login, world, ctx):
    login(world.moderator)
    rows = _csv(client.get(f"/contracts/{world.contract}/ledger.csv"))
    with ctx():
        entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.contract_id == world.contract)
                                     .order_by(LedgerEntry.id)).all()
        assert [int(r["Entry"]) for r in rows] == [e.id for e in entries]
        assert sum(Decimal(r["Value (£)"]) for r in rows) * 100 == sum(e.value_pence for e in entries)
        reversal = next(r for r in rows if r["Reverses entry"])
        assert Decimal(reversal["Value (£)"]) < 0 and reversal["Reason"] == "Counted twice"
        assert rows[0]["Delivery note"] == "Painted the community hall" and rows[0]["Delivered on"] == str(TODAY)


def test_another_councils_ledger_csv_is_not_found(app, client, login, world, make):
    other = make.organisation(kind="buyer", name="Another Council")
    login(make.council_user("contract_manager", organisation_id=other))
    assert client.get(f"/contracts/{world.contract}/ledger.csv").status_code == 404


def test_a_commitment_met_by_fractions_is_not_overdue(app, client, login, make):
    # 0.7 + 0.1 is 0.7999... in binary fractions (SQLite's numerics): the count must still see 0.8 met.
    w = fl.ledger_world(app, make, need_quantity="10", commitment_quantity="5")
    yesterday = TODAY - timedelta(days=1)
    met, short = (fl.commitment(app, w.contract, w.measure, quantity, due_on=yesterday) for quantity in ("0.8", "0.3"))
    for commitment, quantity in ((met, "0.7"), (met, "0.1"), (short, "0.1"), (short, "0.1")):
        fl.confirmed_entry(app, w.need, commitment, w.supplier_user, w.vcse_user, quantity)
    login(w.manager)
    row, = _csv(client.get("/contracts/portfolio.csv"))
    assert row["Overdue commitments"] == "1"    # only the 0.3 with 0.2 confirmed
