"""Published KPIs and their ratings (Procurement Act 2023): the suggestion recomputed from ledger rows, the narrative
rule, the 12-month and contract-end reminders, the £5m rule, the audit trail, the notice downloads, who may do what,
and narratives shown inert."""
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent, Commitment, Contract, KpiRating, KpiRatingValue, LedgerEntry, User,
)
from app.services import kpis
from app.services.ledger import reverse_entry
from app.web.request import without_nul
from tests import factories_contracts as contracts
from tests.conftest import csrf_token, login_as
from tests.xss_payloads import PAYLOADS, SAMPLE, injected

TODAY = date.today()
STARTS = TODAY - timedelta(days=400)
DUE = STARTS + timedelta(days=200)
PERIOD_END = STARTS + timedelta(days=100)  # half the commitment's span: 50 of 100 hours due
BANDS = (("good", 100), ("approaching_target", 85), ("requires_improvement", 60))


@dataclass
class World:
    """Ids: a council's contract manager and moderator, a supplier, a VCSE, and a contract with one commitment."""

    council: int
    manager: int
    moderator: int
    supplier: int
    supplier_user: int
    vcse: int
    vcse_user: int
    measure: int
    need: int
    contract: int
    commitment: int


@pytest.fixture
def w(app, make) -> World:
    """A contract that started 400 days ago, worth £1m, with 100 hours due 200 days after its start."""
    council = make.organisation(kind="buyer", name="Kpi Council")
    supplier = make.organisation(kind="supplier", name="Kpi Supplier Ltd")
    vcse = make.organisation(kind="vcse")
    measure = make.measure(categories=("volunteers",), pence=1000, unit="hour")
    manager = make.council_user("contract_manager", organisation_id=council)
    contract = contracts.contract(app, supplier, council, manager, reference="KPI-001", title="Street cleaning",
                                  starts_on=STARTS, ends_on=TODAY + timedelta(days=365))
    return World(council, manager, make.council_user("moderator", organisation_id=council), supplier,
                 make.user(supplier), vcse, make.user(vcse), measure,
                 make.need(vcse, measure_id=measure, quantity="5000"), contract,
                 contracts.commitment(app, contract, measure, "100", due_on=DUE))


def _set(app, model, row_id: int, **values) -> None:
    """Change a row's columns directly."""
    with app.app_context():
        row = db.session.get(model, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()
        db.session.remove()


def add_kpi(app, w: World, quantity: str = "100", due_on: date = DUE) -> int:
    """Another commitment of the contract, published as a KPI."""
    commitment = contracts.commitment(app, w.contract, w.measure, quantity, due_on=due_on)
    _set(app, Commitment, commitment, is_kpi=True)
    return commitment


def entry(app, w: World, quantity: str, delivered_on: date, commitment: int | None = None) -> int:
    """A ledger entry for a confirmed pledge delivered on a day (written directly, so any day can be chosen)."""
    commitment = commitment or w.commitment
    pledge = contracts.pledge(app, w.need, commitment, status="confirmed", quantity=quantity)
    with app.app_context():
        row = LedgerEntry(pledge_id=pledge, commitment_id=commitment, contract_id=w.contract, need_id=w.need,
                          measure_id=w.measure, vcse_id=w.vcse, supplier_id=w.supplier, quantity=Decimal(quantity),
                          pence_per_unit=1000, value_pence=int(Decimal(quantity) * 1000), delivered_on=delivered_on,
                          confirmed_by_id=w.vcse_user, story="")
        db.session.add(row)
        db.session.commit()
        entry_id = row.id
        db.session.remove()
        return entry_id


def record(app, w: World, ratings: dict[int, tuple[str, str]], *, start: date = STARTS, end: date = PERIOD_END):
    """Rate the contract's KPIs through the service: {commitment id: (rating, narrative)}."""
    with app.app_context():
        kpis.record_kpi_ratings(w.contract, db.session.get(User, w.manager), period_start=start, period_end=end,
                                ratings=[kpis.KpiRatingInput(c, KpiRatingValue(r), n) for c, (r, n) in ratings.items()])
        db.session.remove()


def ratings_of(app, commitment: int) -> list[KpiRating]:
    """A commitment's ratings, detached."""
    with app.app_context():
        rows = list(db.session.scalars(select(KpiRating).where(KpiRating.commitment_id == commitment)
                                       .order_by(KpiRating.id)))
        db.session.expunge_all()
        db.session.remove()
        return rows


def recomputed_suggestion(app, commitment: int, period_end: date) -> tuple[Decimal, Fraction, str]:
    """The suggestion worked out here from the ledger rows alone: (confirmed, expected, rating)."""
    with app.app_context():
        rows = db.session.execute(select(LedgerEntry.quantity, LedgerEntry.delivered_on)
                                  .where(LedgerEntry.commitment_id == commitment)).all()
        c = db.session.get(Commitment, commitment)
        quantity, due, starts = c.quantity, c.due_on, c.contract.starts_on
        db.session.remove()
    confirmed = sum((q for q, day in rows if day <= period_end), Decimal(0))
    share = min(Fraction(1), Fraction(max((period_end - starts).days, 0), (due - starts).days))
    expected = Fraction(quantity) * share
    if expected == 0:
        return confirmed, expected, "good"
    ratio = Fraction(confirmed) / expected
    rating = next((r for r, least in BANDS if ratio * 100 >= least), "inadequate")
    return confirmed, expected, rating


def form_data(client, w: World, ratings: dict[int, tuple[str, str]], start: date = STARTS, end: date = PERIOD_END,
              **extra) -> dict:
    """A submission of the rating form."""
    data = {"csrf_token": csrf_token(client, f"/contracts/{w.contract}/kpi-ratings"),
            "period_start": [str(start.day), str(start.month), str(start.year)],
            "period_end": [str(end.day), str(end.month), str(end.year)], **extra}
    for commitment, (rating, narrative) in ratings.items():
        data[f"rating_{commitment}"], data[f"narrative_{commitment}"] = rating, narrative
    return data


# --- The suggestion, recomputed from ledger rows -------------------------------------------------------------

@pytest.mark.parametrize("confirmed, want", [
    ("50", "good"), ("61", "good"), ("49.99", "approaching_target"), ("42.50", "approaching_target"),
    ("42.49", "requires_improvement"), ("30", "requires_improvement"), ("29.99", "inadequate"), ("10", "inadequate"),
])
def test_suggested_rating_matches_the_ledger_at_each_band_boundary(app, w, confirmed, want):
    _set(app, Commitment, w.commitment, is_kpi=True)
    # What counts: two deliveries by the period end (one on its very day) adding up to `confirmed`...
    entry(app, w, str(Decimal(confirmed) - 10), PERIOD_END - timedelta(days=10))
    entry(app, w, "10", PERIOD_END)
    # ...a delivery that was reversed (it nets out), and deliveries after the period end, which do not count.
    reversed_entry = entry(app, w, "30", PERIOD_END - timedelta(days=5))
    with app.app_context():
        reverse_entry(reversed_entry, db.session.get(User, w.manager), reason="Counted twice")
        db.session.remove()
    entry(app, w, "1000", PERIOD_END + timedelta(days=1))
    entry(app, w, "7", TODAY)

    done, expected, rating = recomputed_suggestion(app, w.commitment, PERIOD_END)
    assert (done, expected, rating) == (Decimal(confirmed), Fraction(50), want)
    record(app, w, {w.commitment: (want, "")})  # the suggestion itself needs no narrative
    [saved] = ratings_of(app, w.commitment)
    assert (saved.suggested_rating.value, saved.rating.value) == (want, want)
    assert (saved.confirmed_quantity, saved.expected_quantity) == (Decimal(confirmed), Decimal("50.00"))


def test_the_rating_page_shows_the_same_suggestion_and_the_bands(app, client, login, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    entry(app, w, "45", PERIOD_END - timedelta(days=1))
    entry(app, w, "100", PERIOD_END + timedelta(days=1))
    login(w.manager)
    page = client.get(f"/contracts/{w.contract}/kpi-ratings?start={STARTS}&end={PERIOD_END}").get_data(as_text=True)
    assert "Suggested: Approaching target. 45 hours confirmed of 50 hours due by the end of the period (90%)." in page
    assert re.search(r'value="approaching_target"\s+checked|checked[^>]*value="approaching_target"', page)
    for band in ("Good: 100% or more", "Approaching target: 85% or more", "Requires improvement: 60% or more",
                 "Inadequate: below 60%"):
        assert band in page


def test_expected_delivery_is_capped_at_the_whole_commitment_and_nothing_due_suggests_good(app, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    entry(app, w, "90", DUE)
    late_end = DUE + timedelta(days=50)
    assert recomputed_suggestion(app, w.commitment, late_end) == (Decimal(90), Fraction(100), "approaching_target")
    record(app, w, {w.commitment: ("approaching_target", "")}, end=late_end)
    record(app, w, {w.commitment: ("good", "")}, end=STARTS)  # a period ending on the start day: nothing due
    first, second = ratings_of(app, w.commitment)
    assert (first.expected_quantity, first.suggested_rating) == (Decimal(100), KpiRatingValue.APPROACHING_TARGET)
    assert (second.expected_quantity, second.suggested_rating) == (Decimal(0), KpiRatingValue.GOOD)


# --- The narrative rule -------------------------------------------------------------------------------------

def test_a_narrative_is_required_when_the_rating_differs_from_the_suggestion_or_is_other(app, client, login, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    second = add_kpi(app, w)
    entry(app, w, "50", PERIOD_END)  # the first KPI is on track (Good); the second has nothing (Inadequate)
    login(w.manager)
    url = f"/contracts/{w.contract}/kpi-ratings"

    response = client.post(url, data=form_data(client, w, {w.commitment: ("requires_improvement", ""),
                                                            second: ("inadequate", "")}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    message = "rated Requires improvement, not the suggested Good"
    assert message in page.split(f'id="narrative_{w.commitment}-error"', 1)[1].split("</p>", 1)[0]
    assert ratings_of(app, w.commitment) == []

    response = client.post(url, data=form_data(client, w, {w.commitment: ("good", ""), second: ("other", "  ")}))
    assert response.status_code == 422
    assert "Explain the rating of Other" in response.get_data(as_text=True).split(
        f'id="narrative_{second}-error"', 1)[1].split("</p>", 1)[0]

    response = client.post(url, data=form_data(client, w, {w.commitment: ("requires_improvement", "Late starts."),
                                                            second: ("other", "Not yet started: agreed delay.")}))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/contracts/{w.contract}#kpis")
    [first_rating], [second_rating] = ratings_of(app, w.commitment), ratings_of(app, second)
    assert (first_rating.rating, first_rating.suggested_rating, first_rating.narrative) == (
        KpiRatingValue.REQUIRES_IMPROVEMENT, KpiRatingValue.GOOD, "Late starts.")
    assert (second_rating.rating, second_rating.suggested_rating) == (KpiRatingValue.OTHER, KpiRatingValue.INADEQUATE)


def test_every_kpi_needs_a_rating_and_the_period_must_lie_in_the_term_and_have_ended(app, client, login, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    login(w.manager)
    url = f"/contracts/{w.contract}/kpi-ratings"
    response = client.post(url, data=form_data(client, w, {}))
    assert response.status_code == 422
    assert f'id="rating_{w.commitment}-error"' in response.get_data(as_text=True)
    for start, end, field, message in (
            (STARTS, TODAY + timedelta(days=1), "period_end", "The period must end today or earlier"),
            (STARTS - timedelta(days=1), PERIOD_END, "period_start", "The period cannot start before the contract"),
            (PERIOD_END, STARTS, "period_end", "The end of the period must be on or after its start")):
        response = client.post(url, data=form_data(client, w, {w.commitment: ("inadequate", "")}, start, end))
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True).split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert ratings_of(app, w.commitment) == []


def test_updating_the_suggestions_for_other_dates_saves_nothing(app, client, login, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    entry(app, w, "25", PERIOD_END)
    login(w.manager)
    response = client.post(f"/contracts/{w.contract}/kpi-ratings",
                           data=form_data(client, w, {w.commitment: ("good", "")}, end=DUE, refresh="y"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "25 hours confirmed of 100 hours due" in page
    assert ratings_of(app, w.commitment) == []


def test_a_contract_with_no_kpis_cannot_be_rated(app, client, login, w):
    login(w.manager)
    response = client.get(f"/contracts/{w.contract}/kpi-ratings")
    assert response.status_code == 409 and "no published KPIs" in response.get_data(as_text=True)
    response = client.post(f"/contracts/{w.contract}/kpi-ratings", data=form_data(client, w, {}))
    assert response.status_code == 409


# --- Audit ---------------------------------------------------------------------------------------------------

def audit(app, action: str) -> list[AuditEvent]:
    """Audit events of one action, detached."""
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
        db.session.expunge_all()
        db.session.remove()
        return rows


def test_recording_and_changing_a_rating_writes_audit_events(app, client, login, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    login(w.manager)
    url = f"/contracts/{w.contract}/kpi-ratings"
    assert client.post(url, data=form_data(client, w, {w.commitment: ("inadequate", "")})).status_code == 303
    [recorded] = audit(app, "kpi_rating.recorded")
    [rating] = ratings_of(app, w.commitment)
    assert (recorded.actor_id, recorded.object_type, recorded.object_id) == (w.manager, "kpi_rating", rating.id)
    assert recorded.data["rating"] == "inadequate" and recorded.data["period_end"] == PERIOD_END.isoformat()

    # Saving the same again changes nothing; changing the rating is recorded with what it was.
    assert client.post(url, data=form_data(client, w, {w.commitment: ("inadequate", "")})).status_code == 303
    assert audit(app, "kpi_rating.changed") == []
    assert client.post(url, data=form_data(client, w, {w.commitment: ("other", "Paused by agreement.")})
                       ).status_code == 303
    [changed] = audit(app, "kpi_rating.changed")
    assert changed.object_id == rating.id and (changed.data["previous"], changed.data["rating"]) == ("inadequate",
                                                                                                   "other")
    [after] = ratings_of(app, w.commitment)
    assert (after.id, after.rating, after.narrative) == (rating.id, KpiRatingValue.OTHER, "Paused by agreement.")


def test_publishing_kpis_and_the_exemption_reason_are_audited(app, client, login, w):
    login(w.manager)
    token = csrf_token(client, f"/contracts/{w.contract}")
    response = client.post(f"/contracts/commitments/{w.commitment}/kpi/publish", data={"csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Commitment, w.commitment).is_kpi is True
    assert client.post(f"/contracts/commitments/{w.commitment}/kpi/withdraw",
                       data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.get(Commitment, w.commitment).is_kpi is False
    assert [e.object_id for e in audit(app, "commitment.kpi_published")] == [w.commitment]
    assert [e.object_id for e in audit(app, "commitment.kpi_withdrawn")] == [w.commitment]
    response = client.post(f"/contracts/{w.contract}/kpis/exemption",
                           data={"csrf_token": token, "reason": "A framework agreement."})
    assert response.status_code == 303
    assert audit(app, "contract.kpi_exemption_saved")[0].reason == "A framework agreement."


def test_the_commitment_form_publishes_a_kpi(app, client, login, w):
    login(w.manager)
    response = client.post(f"/contracts/commitments/{w.commitment}/edit", data={
        "csrf_token": csrf_token(client, f"/contracts/commitments/{w.commitment}/edit"),
        "measure_id": str(w.measure), "quantity": "100",
        "due_on": [str(DUE.day), str(DUE.month), str(DUE.year)], "is_kpi": "y"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Commitment, w.commitment).is_kpi is True
    form = client.get(f"/contracts/commitments/{w.commitment}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="is_kpi"[^>]*checked', form)


# --- Reminders and the £5m rule ------------------------------------------------------------------------------

def contract_page(client, w: World) -> str:
    """The contract page's KPI section."""
    response = client.get(f"/contracts/{w.contract}")
    assert response.status_code == 200
    return response.get_data(as_text=True).split('id="kpis"', 1)[1].split("</section>", 1)[0]


def _task_count(client, name: str) -> str:
    """The status beside a task on the home page."""
    html = client.get("/home").get_data(as_text=True)
    return html.split(f">{name}</a>", 1)[1].split("govuk-task-list__status", 1)[1].split("</div>", 1)[0]


def test_a_reminder_when_twelve_months_pass_without_a_rating(app, client, login, w):
    login(w.manager)
    assert "KPI ratings are due" not in contract_page(client, w)  # no KPIs, nothing to rate
    _set(app, Commitment, w.commitment, is_kpi=True)
    section = contract_page(client, w)
    assert "KPI ratings are due: 12 months have passed since the contract started on" in section
    assert "1 waiting" in _task_count(client, "KPI ratings due")

    record(app, w, {w.commitment: ("inadequate", "")})
    assert "KPI ratings are due" not in contract_page(client, w)
    assert "None waiting" in _task_count(client, "KPI ratings due")

    # The rating was recorded 12 months and a day ago: due again.
    [rating] = ratings_of(app, w.commitment)
    _set(app, KpiRating, rating.id, rated_at=datetime.combine(TODAY - timedelta(days=366), time(12)))
    assert "12 months have passed since the last rating on" in contract_page(client, w)
    assert "1 waiting" in _task_count(client, "KPI ratings due")
    # Eleven months ago: not yet.
    _set(app, KpiRating, rating.id, rated_at=datetime.combine(TODAY - timedelta(days=330), time(12)))
    assert "KPI ratings are due" not in contract_page(client, w)


def test_a_reminder_at_the_contract_end_until_a_rating_covers_its_last_day(app, client, login, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    record(app, w, {w.commitment: ("inadequate", "")}, end=TODAY - timedelta(days=10))
    login(w.manager)
    assert "KPI ratings are due" not in contract_page(client, w)
    _set(app, Contract, w.contract, ends_on=TODAY)
    assert "the contract has reached its end" in contract_page(client, w)
    with app.app_context():
        suggested = recomputed_suggestion(app, w.commitment, TODAY)[2]
    record(app, w, {w.commitment: (suggested, "")}, start=TODAY - timedelta(days=9), end=TODAY)
    assert "KPI ratings are due" not in contract_page(client, w)


@pytest.mark.parametrize("value_pence, kpi_count, reason, warned", [
    (500_000_001, 2, "", True), (500_000_001, 3, "", False), (500_000_001, 0, "A framework agreement.", False),
    (500_000_000, 0, "", False),
])
def test_a_contract_over_five_million_warns_without_three_kpis_or_a_reason(app, client, login, w, value_pence,
                                                                           kpi_count, reason, warned):
    _set(app, Contract, w.contract, value_pence=value_pence, kpi_exemption_reason=reason)
    for _ in range(kpi_count):
        add_kpi(app, w)
    login(w.manager)
    section = contract_page(client, w)
    assert ("so it should publish at least three KPIs, or record why not" in section) is warned
    assert ("Why fewer than three KPIs: " in section) is bool(reason)


def test_the_kpi_threshold_is_a_setting(app, client, login, w):
    app.config["KPI_CONTRACT_THRESHOLD_PENCE"] = 50_000_000
    login(w.manager)
    assert "worth more than £500,000, so it should publish at least three KPIs" in contract_page(client, w)


# --- The notice downloads ------------------------------------------------------------------------------------

def test_a_period_downloads_as_text_and_csv_ready_for_the_notice(app, client, login, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    second = add_kpi(app, w, "20")
    entry(app, w, "50", PERIOD_END)
    record(app, w, {w.commitment: ("good", "On track.\nGroups confirmed every hour."),
                    second: ("other", '=HYPERLINK("http://evil.example","x")')})
    record(app, w, {w.commitment: ("good", "A later period."), second: ("inadequate", "")},
           start=PERIOD_END + timedelta(days=1), end=DUE)
    login(w.moderator)  # moderators read contracts, so they may download too
    response = client.get(f"/contracts/{w.contract}/kpi-ratings/notice.txt?start={STARTS}&end={PERIOD_END}")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="KPI-001-kpi-ratings-{STARTS}-to-{PERIOD_END}.txt"')
    text = response.get_data(as_text=True)
    with app.app_context():
        measure = db.session.get(Commitment, w.commitment).measure.name
    for line in ("Contract reference: KPI-001", "Contract title: Street cleaning", "Supplier: Kpi Supplier Ltd",
                 f"Period: {STARTS} to {PERIOD_END}", f"KPI 1: {measure}: 100 hours by", "Rating: Good",
                 "Narrative: On track.", "KPI 2: ", "Rating: Other", 'Narrative: =HYPERLINK("http://evil.example","x")'):
        assert line in text, line
    assert "A later period." not in text

    latest = client.get(f"/contracts/{w.contract}/kpi-ratings/notice.txt").get_data(as_text=True)
    assert f"Period: {PERIOD_END + timedelta(days=1)} to {DUE}" in latest and "A later period." in latest

    response = client.get(f"/contracts/{w.contract}/kpi-ratings/notice.csv?start={STARTS}&end={PERIOD_END}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:8] == ["Contract reference", "Contract title", "Supplier", "Period start", "Period end", "KPI",
                           "Rating", "Narrative"]
    assert [r[6] for r in rows[1:]] == ["Good", "Other"]
    assert rows[1][:5] == ["KPI-001", "Street cleaning", "Kpi Supplier Ltd", STARTS.isoformat(), PERIOD_END.isoformat()]
    assert rows[2][7] == "'=HYPERLINK(\"http://evil.example\",\"x\")"  # neutralised: never a formula
    assert rows[1][9:11] == ["50.00", "50.00"]


def test_downloads_answer_404_for_no_such_period_and_400_for_a_malformed_date(app, client, login, w):
    login(w.manager)
    assert client.get(f"/contracts/{w.contract}/kpi-ratings/notice.txt").status_code == 404
    _set(app, Commitment, w.commitment, is_kpi=True)
    record(app, w, {w.commitment: ("inadequate", "")})
    assert client.get(f"/contracts/{w.contract}/kpi-ratings/notice.csv?start={STARTS}&end={DUE}").status_code == 404
    assert client.get(f"/contracts/{w.contract}/kpi-ratings/notice.csv?start=2025-02-30&end=x").status_code == 400


# --- Who may do what -----------------------------------------------------------------------------------------

def _routes(w: World) -> list[tuple[str, str]]:
    """(method, path) of every KPI route, for the world's contract and commitment."""
    base = f"/contracts/{w.contract}"
    return [("POST", f"/contracts/commitments/{w.commitment}/kpi/withdraw"),
            ("POST", f"/contracts/commitments/{w.commitment}/kpi/publish"),
            ("GET", f"{base}/kpis/exemption"), ("POST", f"{base}/kpis/exemption"),
            ("GET", f"{base}/kpi-ratings"), ("POST", f"{base}/kpi-ratings"),
            ("GET", f"{base}/kpi-ratings/notice.txt"), ("GET", f"{base}/kpi-ratings/notice.csv")]


def test_another_councils_contract_managers_and_moderators_get_404_for_every_kpi_route(app, make, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    record(app, w, {w.commitment: ("inadequate", "")})
    other = make.organisation(kind="buyer", name="Another Council")
    for user in (make.council_user("contract_manager", organisation_id=other),
                 make.council_user("moderator", "contract_manager", organisation_id=other)):
        client = app.test_client()
        login_as(client, app, user)
        token = csrf_token(client)
        for method, path in _routes(w):
            response = client.open(path, method=method, data={"csrf_token": token, "reason": "x"})
            response.close()
            assert response.status_code == 404, (method, path)
    with app.app_context():
        assert db.session.get(Commitment, w.commitment).is_kpi is True
        assert db.session.get(Contract, w.contract).kpi_exemption_reason == ""


def test_only_contract_managers_change_kpis_and_moderators_only_read(app, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    record(app, w, {w.commitment: ("inadequate", "")})
    expected = {"manager": {"GET": 200, "POST": (303, 422)}, "moderator": {"GET": 403, "POST": (403,)},
                "supplier_user": {"GET": 403, "POST": (403,)}, "vcse_user": {"GET": 403, "POST": (403,)}}
    for who, answers in expected.items():
        client = app.test_client()
        login_as(client, app, getattr(w, who))
        token = csrf_token(client)
        for method, path in _routes(w):
            response = client.open(path, method=method, data={"csrf_token": token})
            response.close()  # a streamed download keeps its request context open until closed
            download = path.endswith((".txt", ".csv"))
            if download:
                assert response.status_code == (200 if who in ("manager", "moderator") else 403), (who, path)
            elif method == "GET":
                assert response.status_code == answers["GET"], (who, path)
            else:
                assert response.status_code in answers["POST"], (who, path, response.status_code)
    anonymous = app.test_client()
    for method, path in _routes(w):
        response = anonymous.open(path, method=method)
        assert response.status_code in (302, 400) and (response.status_code == 400 or
                                                        "/sign-in" in response.headers["Location"]), path


def test_the_kpi_section_shows_actions_only_to_contract_managers(app, client, login, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    record(app, w, {w.commitment: ("inadequate", "")})
    login(w.moderator)
    section = contract_page(client, w)
    assert "Rate the KPIs" not in section and "Stop publishing" not in section and "Change these ratings" not in section
    assert "Download as CSV" in section and "Inadequate" in section
    login(w.manager)
    section = contract_page(client, w)
    assert "Rate the KPIs" in section and "Stop publishing" in section and "Change these ratings" in section


# --- Narratives are shown inert ------------------------------------------------------------------------------

def test_every_xss_payload_as_a_narrative_is_shown_inert(app, client, login, w):
    _set(app, Commitment, w.commitment, is_kpi=True)
    start = TODAY - timedelta(days=len(PAYLOADS) + 10)
    _set(app, Contract, w.contract, starts_on=start)
    login(w.manager)
    record(app, w, {w.commitment: ("other", "Harmless words")}, start=start, end=start)
    baseline = client.get(f"/contracts/{w.contract}").get_data(as_text=True)
    form_baseline = client.get(f"/contracts/{w.contract}/kpi-ratings?start={start}&end={start}").get_data(
        as_text=True)
    # One period per payload, all on the one contract page (the narrative as a form would pass it: NULs dropped).
    with app.app_context():
        manager = db.session.get(User, w.manager)
        for day, payload in enumerate(PAYLOADS, start=1):
            kpis.record_kpi_ratings(w.contract, manager, period_start=start, period_end=start + timedelta(days=day),
                                    ratings=[kpis.KpiRatingInput(w.commitment, KpiRatingValue.OTHER,
                                                                 without_nul(payload)[:2000])])
        db.session.remove()
    page = client.get(f"/contracts/{w.contract}").get_data(as_text=True)
    assert injected(page, baseline) == []
    for payload in SAMPLE:
        shown = str(escape(without_nul(payload)[:2000].strip()))
        assert shown in page, payload
    problems = []
    for day, payload in enumerate(PAYLOADS, start=1):
        if payload not in SAMPLE:
            continue
        end = start + timedelta(days=day)
        form_page = client.get(f"/contracts/{w.contract}/kpi-ratings?start={start}&end={end}").get_data(as_text=True)
        found = injected(form_page, form_baseline)
        if found:
            problems.append((payload, found))
    assert not problems


# --- Reads: fixed queries and the demo -----------------------------------------------------------------------

def test_the_contract_page_query_count_does_not_grow_with_ratings(app, client, login, w, count_queries):
    _set(app, Commitment, w.commitment, is_kpi=True)
    login(w.manager)
    record(app, w, {w.commitment: ("inadequate", "")})

    def queries() -> int:
        with count_queries() as counter:
            assert client.get(f"/contracts/{w.contract}").status_code == 200
        return counter["n"]
    few = queries()
    for day in range(1, 6):
        add_kpi(app, w)
        with app.app_context():
            kpi_ids = list(db.session.scalars(select(Commitment.id).where(Commitment.is_kpi)))
            db.session.remove()
        record(app, w, {c: ("other", f"Period {day}") for c in kpi_ids}, end=STARTS + timedelta(days=day))
    assert queries() == few


def test_demo_load_leaves_a_contract_with_three_kpis_and_a_rating(app, runner, ctx):
    with ctx():
        assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with ctx():
        kpi_counts = db.session.execute(select(Commitment.contract_id, func.count()).where(Commitment.is_kpi)
                                        .group_by(Commitment.contract_id)).all()
        assert any(count >= 3 for _, count in kpi_counts)
        assert db.session.scalar(select(func.count(KpiRating.id))) >= 1
