"""The contract manager's pages: contracts, commitments, progress from the ledger, ending early and reversals."""
import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import Area, Commitment, Contract, ContractStatus, LedgerEntry, Measure, TargetKind, Theme, User
from app.services import pledges, reference
from app.errors import Conflict
from app.formatting import pounds
import config as config_module
from tests import factories_ledger as fl
from tests.conftest import csrf_token

TODAY = date.today()


@pytest.fixture
def world(app, make):
    """A council with a contract manager and a moderator, a supplier's contract and commitment, a VCSE's open need."""
    return fl.ledger_world(app, make)


def _fields(w, **changes) -> dict:
    """A valid contract form, with some fields changed."""
    fields = {
        "reference": "WCC-2025-001", "title": "Strategic transport corridor", "supplier_id": str(w.supplier),
        "value_pence": "1,250,000", "starts_on": ["1", "4", "2025"], "ends_on": ["31", "3", "2028"],
        "contract_manager_id": str(w.manager), "target_kind": "percent", "target_percent": "10",
        "target_pence": "",
    }
    fields.update(changes)
    return fields


def submit(client, url: str, fields: dict, page: str | None = None):
    """POST a form the way a browser does: date fields as three values under one name, with the CSRF token."""
    data = MultiDict()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            data.add(name, item)
    data.add("csrf_token", csrf_token(client, page or url))
    return client.post(url, data=data)


def _html(response) -> str:
    """The page's text with whitespace squashed, for asserting phrases."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _contracts(ctx, buyer_id: int) -> list[Contract]:
    """The council's contracts, read fresh."""
    with ctx():
        rows = list(db.session.scalars(select(Contract).where(Contract.buyer_id == buyer_id).order_by(Contract.id)))
        db.session.expunge_all()
        return rows


# Creating and editing contracts


def test_contract_manager_creates_a_contract_with_exact_pounds(client, login, ctx, world):
    login(world.manager)
    response = submit(client, "/contracts/new", _fields(world, value_pence="1250000.50"))
    assert response.status_code == 303
    new = [c for c in _contracts(ctx, world.council) if c.reference == "WCC-2025-001"][0]
    assert response.headers["Location"].endswith(f"/contracts/{new.id}")
    assert (new.value_pence, new.target_kind, new.target_percent) == (125_000_050, TargetKind.PERCENT, Decimal("10"))
    assert (new.starts_on, new.ends_on, new.contract_manager_id) == (date(2025, 4, 1), date(2028, 3, 31), world.manager)
    page = _html(client.get(f"/contracts/{new.id}"))
    assert "£1,250,000.50" in page and "£125,000.05 (10% of the contract value)" in page


def test_target_in_pounds_is_kept_in_pence(client, login, ctx, world):
    login(world.manager)
    response = submit(client, "/contracts/new", _fields(world, target_kind="pounds", target_pence="£125,000.05",
                                                        target_percent="not looked at"))
    assert response.status_code == 303
    new = [c for c in _contracts(ctx, world.council) if c.reference == "WCC-2025-001"][0]
    assert (new.target_kind, new.target_pence, new.target_percent) == (TargetKind.POUNDS, 12_500_005, None)


def test_new_contract_form_offers_approved_suppliers_and_the_councils_contract_managers(client, login, make, world):
    pending = make.organisation(kind="supplier", status="pending", name="Pending Supplier Ltd")
    other_council_manager = make.council_user("contract_manager")
    login(world.manager)
    html = client.get("/contracts/new").get_data(as_text=True)
    assert f'value="{world.supplier}"' in html and "Pending Supplier Ltd" not in html
    assert f'<option value="{world.manager}" selected' in html
    assert f'value="{other_council_manager}"' not in html and f'value="{pending}"' not in html
    assert "An amount in pounds" in html and "A percentage of the contract value" in html


WYVERN_POLICY = ("Wyvern County Council's social value policy expects social value worth at least 10% "
                 "of the contract value.")


def test_target_hint_names_the_councils_own_policy_and_target(client, login, world):
    login(world.manager)
    page = html.unescape(_html(client.get("/contracts/new")))
    assert WYVERN_POLICY in page and "Surrey" not in page


@pytest.mark.parametrize("app_overrides", [{"COUNCIL_NAME": "Borsetshire Council",
                                             "SOCIAL_VALUE_TARGET_PERCENT": Decimal("12.5")}])
def test_target_hint_and_warning_follow_the_councils_configuration(app, client, login, world, app_overrides):
    # The form class is defined once, at import: its hint must still read this app's settings when it is built.
    expected = ("Borsetshire Council's social value policy expects social value worth at least 12.5% "
                "of the contract value.")
    login(world.manager)
    form_page = html.unescape(_html(client.get("/contracts/new")))
    assert expected in form_page and "Wyvern" not in form_page
    below = fl.contract(app, world.council, world.supplier, world.manager, target_percent="12.4")
    at_policy = fl.contract(app, world.council, world.supplier, world.manager, target_percent="12.5")
    warning = f"Below the policy target. {expected}"
    assert warning in html.unescape(_html(client.get(f"/contracts/{below}")))
    assert warning not in html.unescape(_html(client.get(f"/contracts/{at_policy}")))
    # The demo world's 10% target is below this council's 12.5%.
    assert warning in html.unescape(_html(client.get(f"/contracts/{world.contract}")))


@pytest.mark.parametrize("changes, field, message", [
    ({"value_pence": "abc"}, "value_pence", "Contract value must be an amount in pounds"),
    ({"value_pence": "-5"}, "value_pence", "Contract value must be more than £0"),
    ({"value_pence": "1.234"}, "value_pence", "Contract value must have no more than 2 decimal places"),
    ({"target_percent": "150"}, "target_percent", "Target percentage must be 100 or less"),
    ({"target_kind": "pounds", "target_pence": ""}, "target_pence", "Enter the target in pounds"),
    ({"target_kind": ""}, "target_kind", "Select how the social value target is set"),
    ({"ends_on": ["31", "3", "2024"]}, "ends_on", "The end date must be on or after the start date"),
    ({"starts_on": ["31", "2", "2025"]}, "starts_on", "The start date must be a real date"),
    ({"reference": ""}, "reference", "Enter the contract reference"),
])
def test_bad_contract_input_gets_a_message_by_the_field_and_saves_nothing(client, login, ctx, world, changes, field,
                                                                          message):
    login(world.manager)
    before = len(_contracts(ctx, world.council))
    response = submit(client, "/contracts/new", _fields(world, **changes))
    assert response.status_code == 422
    html = _html(response)
    assert message in html and f'href="#{field}' in html
    assert len(_contracts(ctx, world.council)) == before


def test_supplier_that_is_not_approved_is_refused(client, login, ctx, make, world):
    pending = make.organisation(kind="supplier", status="pending")
    buyer = make.organisation(kind="buyer")
    login(world.manager)
    for supplier in (pending, buyer):
        response = submit(client, "/contracts/new", _fields(world, supplier_id=str(supplier)))
        assert response.status_code == 422
        assert "Select an approved supplier" in _html(response)
    assert len(_contracts(ctx, world.council)) == 1


def test_duplicate_reference_is_refused_in_the_same_council_but_fine_in_another(app, client, login, ctx, make, world):
    other_council = make.organisation(kind="buyer")
    other_manager = make.council_user("contract_manager", organisation_id=other_council)
    fl.contract(app, other_council, world.supplier, other_manager, reference="WCC-2025-001")
    login(world.manager)
    assert submit(client, "/contracts/new", _fields(world)).status_code == 303
    response = submit(client, "/contracts/new", _fields(world, title="Another title"))
    assert response.status_code == 422
    assert "Another contract already has this reference" in _html(response)
    assert [c.reference for c in _contracts(ctx, world.council)].count("WCC-2025-001") == 1


def test_contract_manager_edits_a_contract(client, login, ctx, world):
    login(world.manager)
    form = client.get(f"/contracts/{world.contract}/edit").get_data(as_text=True)
    assert 'value="1,000,000"' in form  # the stored pence, shown as pounds
    response = submit(client, f"/contracts/{world.contract}/edit",
                      _fields(world, reference="REF-EDITED", value_pence="2,000,000", target_kind="pounds",
                              target_pence="250000"))
    assert response.status_code == 303
    with ctx():
        contract = db.session.get(Contract, world.contract)
        assert (contract.reference, contract.value_pence, contract.target_in_pence) == ("REF-EDITED", 200_000_000,
                                                                                        25_000_000)


# Commitments


def _commitment_fields(w, **changes) -> dict:
    """A valid commitment form."""
    fields = {"measure_id": str(w.measure), "quantity": "250", "due_on": ["31", "3", "2027"],
              "note": "From the tender", "theme_ids": [], "area_ids": []}
    fields.update(changes)
    return fields


def test_contract_manager_adds_a_commitment_with_themes_and_areas(client, login, ctx, make, world):
    theme, area = make.theme("Reduce inequality"), make.area("Northtown")
    login(world.manager)
    response = submit(client, f"/contracts/{world.contract}/commitments/new",
                      _commitment_fields(world, theme_ids=[str(theme)], area_ids=[str(area)]))
    assert response.status_code == 303
    with ctx():
        added = db.session.scalars(select(Commitment).where(Commitment.contract_id == world.contract)
                                   .order_by(Commitment.id.desc())).first()
        assert (added.quantity, added.due_on, added.note) == (Decimal("250"), date(2027, 3, 31), "From the tender")
        assert [t.name for t in added.themes] == ["Reduce inequality"] and [a.name for a in added.areas] == ["Northtown"]
    page = _html(client.get(f"/contracts/{world.contract}"))
    assert "250 hours" in page and "Reduce inequality, Northtown" in page


def test_contract_manager_edits_a_commitment(client, login, ctx, world):
    login(world.manager)
    response = submit(client, f"/contracts/commitments/{world.commitment}/edit", _commitment_fields(world, quantity="120.5"))
    assert response.status_code == 303
    with ctx():
        assert db.session.get(Commitment, world.commitment).quantity == Decimal("120.5")


@pytest.mark.parametrize("stage", ["offered", "delivered"])
def test_editing_a_commitment_below_what_is_pledged_or_delivered_is_refused(app, client, login, ctx, world, stage):
    if stage == "offered":
        fl.offered_pledge(app, world.need, world.commitment, world.supplier_user, "30")
    else:
        fl.delivered_pledge(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "30")
    login(world.manager)
    response = submit(client, f"/contracts/commitments/{world.commitment}/edit",
                      _commitment_fields(world, quantity="29", note="Changed"))
    assert response.status_code == 422
    assert "Quantity cannot be less than the 30 hours already pledged or delivered against this commitment" in _html(response)
    with ctx():
        commitment = db.session.get(Commitment, world.commitment)
        assert (commitment.quantity, commitment.note) == (Decimal("100"), "")
    assert submit(client, f"/contracts/commitments/{world.commitment}/edit",
                  _commitment_fields(world, quantity="30")).status_code == 303


def test_bad_commitment_quantity_gets_a_field_error(client, login, world):
    login(world.manager)
    response = submit(client, f"/contracts/{world.contract}/commitments/new", _commitment_fields(world, quantity="lots"))
    assert response.status_code == 422
    assert "Quantity must be a number" in _html(response)


# Ending early


def test_ending_a_contract_early_stops_new_pledges(app, client, login, ctx, world):
    login(world.manager)
    assert submit(client, f"/contracts/{world.contract}/end", {"reason": ""}).status_code == 422
    response = submit(client, f"/contracts/{world.contract}/end", {"reason": "Supplier went into administration"})
    assert response.status_code == 303
    with ctx():
        contract = db.session.get(Contract, world.contract)
        assert (contract.status, contract.ended_on, contract.end_reason) == (
            ContractStatus.ENDED, TODAY, "Supplier went into administration")
        with pytest.raises(Conflict, match="contract has ended"):
            pledges.make_pledge(db.session.get(User, world.supplier_user), need_id=world.need,
                                commitment_id=world.commitment, quantity=Decimal("1"), message="", proposed_on=TODAY)
    page = _html(client.get(f"/contracts/{world.contract}"))
    assert "Ended early on" in page and "Supplier went into administration" in page
    assert "/commitments/new" not in page
    again = client.get(f"/contracts/{world.contract}/end")
    assert again.status_code == 303


# The contract page: pounds from the ledger


def _ledger_total(ctx, contract_id: int) -> int:
    """The contract's ledger sum, straight from the table."""
    with ctx():
        return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.value_pence), 0))
                                 .where(LedgerEntry.contract_id == contract_id))


def test_contract_page_shows_pounds_equal_to_the_ledger_sum_with_the_evidence(app, client, login, ctx, world):
    fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10",
                       story="Twelve staff painted the hall.")
    fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "2.5")
    fl.offered_pledge(app, world.need, world.commitment, world.supplier_user, "5")
    fl.delivered_pledge(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "3")
    total = _ledger_total(ctx, world.contract)
    assert total == 12210 + 3053
    login(world.manager)
    page = _html(client.get(f"/contracts/{world.contract}"))
    # Target: 10% of £1,000,000.
    assert f"{pounds(total)}</strong> of £100,000.00 (0.2%)" in page
    assert "100 hours" in page and "5 hours" in page and "3 hours" in page and "12.5 hours" in page
    assert "Twelve staff painted the hall." in page
    with ctx():
        vcse_user = db.session.get(User, world.vcse_user)
        assert f"{vcse_user.name}, {vcse_user.organisation.name}" in page
    assert "at £12.21 per hour" in page and "Overdue" not in page


def test_overdue_commitment_is_tagged(app, client, login, world):
    fl.commitment(app, world.contract, world.measure, "10", due_on=TODAY - timedelta(days=1))
    login(world.manager)
    page = _html(client.get(f"/contracts/{world.contract}"))
    assert 'govuk-tag--red">Overdue' in page


def test_contracts_list_shows_confirmed_pounds_from_the_ledger(app, client, login, ctx, world):
    fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10")
    login(world.manager)
    page = _html(client.get("/contracts/"))
    assert "£1,000,000" in page and "Target £100,000" in page and "£122.10" in page and "0.1%" in page
    filtered = _html(client.get(f"/contracts/?supplier={world.supplier}&status=ended"))
    assert "No contracts match these filters." in filtered


# Reversals


def test_reversal_through_the_page_adds_a_negative_entry_once(app, client, login, ctx, world):
    entry_id = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10")
    fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "1")
    login(world.manager)
    contract_page = _html(client.get(f"/contracts/{world.contract}"))
    assert f"/contracts/ledger/{entry_id}/reverse" in contract_page and "£134.31</strong>" in contract_page
    confirm_page = _html(client.get(f"/contracts/ledger/{entry_id}/reverse"))
    assert "Reverse ledger entry #" in confirm_page and "£122.10" in confirm_page and "10 hours" in confirm_page
    assert submit(client, f"/contracts/ledger/{entry_id}/reverse", {"reason": ""}).status_code == 422
    response = submit(client, f"/contracts/ledger/{entry_id}/reverse", {"reason": "Counted under another contract"})
    assert response.status_code == 303
    with ctx():
        reversal = db.session.scalars(select(LedgerEntry).where(LedgerEntry.reverses_id == entry_id)).one()
        assert (reversal.value_pence, reversal.quantity, reversal.reason) == (-12210, Decimal("-10"),
                                                                                "Counted under another contract")
        assert reversal.confirmed_by_id == world.manager
    assert _ledger_total(ctx, world.contract) == 1221
    page = _html(client.get(f"/contracts/{world.contract}"))
    assert "£12.21</strong> of £100,000.00" in page
    assert "Counted under another contract" in page and f"/contracts/ledger/{entry_id}/reverse" not in page
    assert f"/contracts/ledger/{reversal.id}/reverse" not in page

    again = submit(client, f"/contracts/ledger/{entry_id}/reverse", {"reason": "Again"},
                   page=f"/contracts/{world.contract}")
    assert again.status_code == 303
    assert "This entry has already been reversed." in _html(client.get(again.headers["Location"]))
    with ctx():
        assert db.session.scalar(select(func.count()).where(LedgerEntry.reverses_id == entry_id)) == 1


def test_a_reversal_cannot_itself_be_reversed(app, client, login, ctx, world):
    entry_id = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10")
    login(world.manager)
    submit(client, f"/contracts/ledger/{entry_id}/reverse", {"reason": "Wrong contract"})
    with ctx():
        reversal_id = db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry_id))
    assert "is itself a reversal and cannot be reversed" in _html(client.get(f"/contracts/ledger/{reversal_id}/reverse"))
    response = submit(client, f"/contracts/ledger/{reversal_id}/reverse", {"reason": "Undo"},
                      page=f"/contracts/{world.contract}")
    assert response.status_code == 303
    assert "This entry is itself a reversal and cannot be reversed." in _html(client.get(response.headers["Location"]))
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2


@pytest.mark.parametrize("value, ok", [("12.5", True), ("0", True), ("100", True), ("101", False), ("ten", False), ("NaN", False)])
def test_policy_target_percent_is_read_exactly_from_the_environment(monkeypatch, value, ok):
    monkeypatch.setenv("SOCIAL_VALUE_TARGET_PERCENT", value)
    if ok:
        assert str(config_module._percent_setting("SOCIAL_VALUE_TARGET_PERCENT", "10")) == value
    else:
        with pytest.raises(RuntimeError, match="SOCIAL_VALUE_TARGET_PERCENT must be a number from 0 to 100"):
            config_module._percent_setting("SOCIAL_VALUE_TARGET_PERCENT", "10")


def _rename_measure(ctx, measure_id: int, name: str) -> None:
    """Give a measure one of the default set's real names."""
    with ctx():
        db.session.get(Measure, measure_id).name = name
        db.session.commit()


@pytest.mark.parametrize("name, in_sentence", [
    ("Pro bono expert advice for VCSEs and small firms (legal, finance, bid writing, IT)",
     "pro bono expert advice for VCSEs and small firms (legal, finance, bid writing, IT)"),
    ("IT support for community groups", "IT support for community groups"),
])
def test_ledger_rows_keep_the_capitals_of_acronyms_in_measure_names(app, client, login, ctx, world, name,
                                                                    in_sentence):
    _rename_measure(ctx, world.measure, name)
    entry_id = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10")
    login(world.manager)
    contract = html.unescape(_html(client.get(f"/contracts/{world.contract}")))
    assert f"10 hours of {in_sentence}" in contract
    assert "vcses" not in contract and " it)" not in contract
    reverse = html.unescape(_html(client.get(f"/contracts/ledger/{entry_id}/reverse")))
    assert f"10 hours of {in_sentence} on" in reverse


# Who may do what


def test_contract_manager_of_another_council_gets_404(app, client, login, make, world):
    entry_id = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10")
    stranger = make.council_user("contract_manager", "moderator")
    login(stranger)
    for url in (f"/contracts/{world.contract}", f"/contracts/{world.contract}/edit", f"/contracts/{world.contract}/end",
                f"/contracts/{world.contract}/commitments/new", f"/contracts/commitments/{world.commitment}/edit",
                f"/contracts/ledger/{entry_id}/reverse"):
        assert client.get(url).status_code == 404, url
    assert submit(client, f"/contracts/ledger/{entry_id}/reverse", {"reason": "Not mine"},
                  page="/contracts/").status_code == 404
    assert f"/contracts/{world.contract}" not in client.get("/contracts/").get_data(as_text=True)


def test_moderator_can_view_and_reverse_but_not_change_contracts(app, client, login, ctx, world):
    entry_id = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10")
    login(world.moderator)
    assert client.get("/contracts/").status_code == 200
    page = _html(client.get(f"/contracts/{world.contract}"))
    assert "£122.10" in page and "Edit contract" not in page and "End contract early" not in page
    for url in ("/contracts/new", f"/contracts/{world.contract}/edit", f"/contracts/{world.contract}/end",
                f"/contracts/{world.contract}/commitments/new", f"/contracts/commitments/{world.commitment}/edit"):
        assert client.get(url).status_code == 403, url
    assert submit(client, "/contracts/new", _fields(world), page="/contracts/").status_code == 403
    response = submit(client, f"/contracts/ledger/{entry_id}/reverse", {"reason": "Duplicate"})
    assert response.status_code == 303
    assert _ledger_total(ctx, world.contract) == 0


@pytest.mark.parametrize("who", ["vcse_user", "supplier_user"])
def test_vcse_and_supplier_users_get_403(client, login, world, who):
    login(getattr(world, who))
    for url in ("/contracts/", f"/contracts/{world.contract}", "/contracts/new"):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(f"/contracts/{world.contract}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# Query counts


def _count(client, count_queries, url: str) -> int:
    """How many SQL statements one page view runs."""
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter["n"]


def test_contracts_list_query_count_does_not_grow_with_contracts(app, client, login, count_queries, make, world):
    login(world.manager)
    fl.contract(app, world.council, make.organisation(kind="supplier"), world.manager)
    fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "1")
    few = _count(client, count_queries, "/contracts/")
    for _ in range(10):
        other = fl.contract(app, world.council, make.organisation(kind="supplier"), world.manager)
        fl.commitment(app, other, world.measure)
    many = _count(client, count_queries, "/contracts/")
    assert many == few


def test_contract_page_query_count_does_not_grow_with_commitments_or_entries(app, client, login, count_queries, make,
                                                                           world):
    theme, area = make.theme(), make.area()

    def add(n):
        for _ in range(n):
            commitment_id = fl.commitment(app, world.contract, world.measure, "5")
            with app.app_context():
                row = db.session.get(Commitment, commitment_id)
                row.themes, row.areas = [db.session.get(Theme, theme)], [db.session.get(Area, area)]
                db.session.commit()
                db.session.remove()
            fl.confirmed_entry(app, world.need, commitment_id, world.supplier_user, world.vcse_user, "1")

    fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "1")
    login(world.manager)
    add(1)
    few = _count(client, count_queries, f"/contracts/{world.contract}")
    add(10)
    entry_id = fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "1")
    login(world.moderator)
    submit(client, f"/contracts/ledger/{entry_id}/reverse", {"reason": "Test"})
    login(world.manager)
    many = _count(client, count_queries, f"/contracts/{world.contract}")
    assert many == few


# Displays: the policy warning, targets in pounds, and history that a new proxy value does not rewrite


def test_a_target_below_the_policys_10_percent_is_flagged_and_one_at_10_percent_is_not(app, client, login, world):
    low_percent = fl.contract(app, world.council, world.supplier, world.manager, target_percent="5")
    low_pounds = fl.contract(app, world.council, world.supplier, world.manager, target_pence=9_999_999)
    at_policy = fl.contract(app, world.council, world.supplier, world.manager, target_pence=10_000_000)
    login(world.manager)
    warning = f"Below the policy target. {WYVERN_POLICY}"
    assert warning in html.unescape(_html(client.get(f"/contracts/{low_percent}")))
    assert warning in html.unescape(_html(client.get(f"/contracts/{low_pounds}")))  # £99,999.99 of £1,000,000
    assert warning not in html.unescape(_html(client.get(f"/contracts/{at_policy}")))  # exactly 10%
    assert warning not in html.unescape(_html(client.get(f"/contracts/{world.contract}")))  # 10% as a percentage


def test_percentage_of_a_target_set_in_pounds(app, client, login, world):
    contract = fl.contract(app, world.council, world.supplier, world.manager, reference="WCC-POUNDS",
                           target_pence=50_000)
    commitment = fl.commitment(app, contract, world.measure, "100")
    fl.confirmed_entry(app, world.need, commitment, world.supplier_user, world.vcse_user, "10")
    login(world.manager)
    page = _html(client.get(f"/contracts/{contract}"))
    # £122.10 of a £500.00 target is 24.42%, shown to one place.
    assert "£122.10</strong> of £500.00 (24.4%)" in page
    # No "(n% of the contract value)" after a target set in pounds (the policy warning may still mention it).
    assert "24.4% of target" in page and "% of the contract value)" not in page
    listing = _html(client.get("/contracts/"))
    row = listing.split("WCC-POUNDS", 1)[1].split("</tr>", 1)[0]
    assert "Target £500" in row and "£122.10" in row and "24.4%" in row


def test_a_proxy_value_added_through_the_admin_service_leaves_the_contract_page_total_unchanged(
        app, client, login, ctx, make, world):
    fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10")
    login(world.manager)
    before = _html(client.get(f"/contracts/{world.contract}"))
    assert "£122.10</strong> of £100,000.00" in before and "at £12.21 per hour" in before
    admin = make.council_user("admin", organisation_id=world.council)
    with ctx():
        # In force from today, the day of the delivery: a page that re-valued entries would now show £150.00.
        reference.add_proxy_value(world.measure, 1500, TODAY, "New published value", db.session.get(User, admin))
    after = _html(client.get(f"/contracts/{world.contract}"))
    assert "£122.10</strong> of £100,000.00" in after and "at £12.21 per hour" in after and "£150.00" not in after
    assert _ledger_total(ctx, world.contract) == 12210


def _commitment_cells(html: str) -> list[str]:
    """The text of each cell in the first commitment row, tags removed and spaces folded."""
    table = html.split('<caption class="govuk-table__caption govuk-table__caption--m">Commitments<', 1)[1]
    row = table.split('<tbody class="govuk-table__body">', 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_committed_pledged_and_delivered_show_pounds_at_todays_value_and_confirmed_pounds_stay_the_ledgers(
        app, client, login, ctx, make, world):
    login(world.manager)
    assert _commitment_cells(_html(client.get(f"/contracts/{world.contract}")))[:3] == [
        "100 hours £1,221.00 at today’s value", "0 hours", "0 hours"]   # nothing to value, no £0.00 clutter
    fl.confirmed_entry(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10")
    fl.offered_pledge(app, world.need, world.commitment, world.supplier_user, "5")
    fl.delivered_pledge(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "4")
    login(world.manager)

    cells = _commitment_cells(_html(client.get(f"/contracts/{world.contract}")))
    # 100, 5 and 4 hours at £12.21; the 10 confirmed hours are the ledger's £122.10.
    assert cells[:3] == ["100 hours £1,221.00 at today’s value", "5 hours £61.05 at today’s value",
                         "4 hours £48.84 at today’s value"]
    assert cells[4].startswith("£122.10")

    admin = make.council_user("admin", organisation_id=world.council)
    with ctx():
        reference.add_proxy_value(world.measure, 1500, TODAY, "New published value", db.session.get(User, admin))
    cells = _commitment_cells(_html(client.get(f"/contracts/{world.contract}")))
    assert cells[:3] == ["100 hours £1,500.00 at today’s value", "5 hours £75.00 at today’s value",
                         "4 hours £60.00 at today’s value"]
    assert cells[4].startswith("£122.10")
