"""Identifiers other systems use: each register's number format, tidied one way, refused by the field at fault."""
import re

import pytest
from sqlalchemy import select

from app.errors import Invalid
from app.extensions import db
from app.models import Organisation
from app.models.identifiers import IdentifierScheme, org_id, tidy_notice_id, tidy_number, tidy_ocid, tidy_ons_code
from app.services.identifiers import organisation_identifier
from tests.conftest import post_form
from tests.test_auth import registration

S = IdentifierScheme


@pytest.mark.parametrize("scheme, typed, kept", [
    (S.GB_COH, "01234567", "01234567"),
    (S.GB_COH, "1234567", "01234567"),         # leading zero restored
    (S.GB_COH, "sc 123456", "SC123456"),       # a Scottish company
    (S.GB_CHC, "1180001", "1180001"),
    (S.GB_CHC, "222 222", "222222"),           # an older six-digit charity
    (S.GB_SC, "sc012345", "SC012345"),
    (S.GB_NIC, "NIC100002", "100002"),         # typed with the register's prefix
    (S.GB_PPON, "pabc-1234-defg", "PABC-1234-DEFG"),
])
def test_each_register_number_is_kept_as_its_register_writes_it(scheme, typed, kept):
    assert tidy_number(scheme, typed) == kept
    assert org_id(scheme, kept) == f"{scheme.value}-{kept}"


@pytest.mark.parametrize("scheme, typed", [
    (S.GB_COH, "123456789"), (S.GB_COH, "AB12345"), (S.GB_COH, "12-34567"),
    (S.GB_CHC, "12345"), (S.GB_CHC, "SC012345"), (S.GB_CHC, "12345678"),
    (S.GB_SC, "012345"), (S.GB_SC, "SC0123456"),
    (S.GB_NIC, "200002"), (S.GB_NIC, "10000"),
    (S.GB_PPON, "ABCD-1234-EFGH"), (S.GB_PPON, "PABC1234DEFG"),
])
def test_a_number_in_the_wrong_format_for_its_register_is_refused_with_an_example(scheme, typed):
    with pytest.raises(ValueError) as refused:
        tidy_number(scheme, typed)
    assert str(refused.value) == f"Enter the {scheme.label} in the right format, like {scheme.example}"
    assert tidy_number(scheme, scheme.example)   # the example itself is accepted


def test_register_and_number_come_together_or_not_at_all():
    assert organisation_identifier("", "  ") == (None, None)
    assert organisation_identifier("GB-CHC", "1180001") == (S.GB_CHC, "1180001")
    for scheme, number, field in (("", "1180001", "identifier_scheme"), ("GB-XYZ", "1", "identifier_scheme"),
                                  ("GB-CHC", "", "registered_number"), ("GB-SC", "123", "registered_number")):
        with pytest.raises(Invalid) as refused:
            organisation_identifier(scheme, number)
        assert refused.value.field == field


def test_area_contract_codes_are_tidied_or_refused():
    assert tidy_ons_code(" e06 000001 ") == "E06000001" and tidy_ons_code("") is None
    assert tidy_ocid("ocds-h6vhtk-01a2b3") == "ocds-h6vhtk-01a2b3" and tidy_ocid(" ") is None
    assert tidy_notice_id("012345-2025") == "012345-2025"
    for tidy, bad in ((tidy_ons_code, "E0600001"), (tidy_ons_code, "X06000001"), (tidy_ocid, "ocds-abc-1"),
                      (tidy_ocid, "h6vhtk-0001"), (tidy_notice_id, "2025/S 000-012345")):
        with pytest.raises(ValueError):
            tidy(bad)


def test_registration_keeps_the_register_and_tidied_number(client, make, ctx):
    area = make.area("Northfield")
    response = post_form(client, "/register", registration([area], identifier_scheme="GB-SC",
                                                           registered_number="sc 012345"), page="/register")
    assert response.status_code == 303, response.get_data(as_text=True)
    with ctx():
        organisation = db.session.scalars(select(Organisation).where(
            Organisation.name == "Brackenford Befriending")).one()
        assert (organisation.identifier_scheme, organisation.registered_number) == (S.GB_SC, "SC012345")
        assert organisation.org_id == "GB-SC-SC012345"


def test_registration_with_a_bad_number_says_so_by_the_field_and_keeps_every_answer(client, make, ctx):
    area = make.area("Northfield")
    response = post_form(client, "/register", registration([area], identifier_scheme="GB-CHC",
                                                           registered_number="SC012345"), page="/register")
    html = re.sub(r"\s+", " ", response.get_data(as_text=True))
    assert response.status_code == 422
    message = "Enter the Charity Commission for England and Wales number in the right format, like 1234567"
    assert f'<a href="#registered_number">{message}</a>' in html
    assert re.search(rf'<p id="registered_number-error" class="govuk-error-message">.*?{message}', html)
    assert 'value="SC012345"' in html and 'value="GB-CHC" selected' in html
    assert 'value="Brackenford Befriending"' in html
    with ctx():
        assert db.session.scalars(select(Organisation).where(Organisation.name == "Brackenford Befriending")).first() \
            is None


def test_a_contract_keeps_its_ocid_and_notice_and_refuses_a_malformed_one(client, login, ctx, make, app):
    from tests import factories_ledger as fl
    from tests.test_contract_pages import _contracts, _fields, submit

    world = fl.ledger_world(app, make)
    login(world.manager)
    refused = submit(client, "/contracts/new", _fields(world, ocid="ocds-12-x", notice_id="2025/S 000-1"))
    html = re.sub(r"\s+", " ", refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert '<a href="#ocid">Enter an OCID like ocds-h6vhtk-01a2b3</a>' in html
    assert 'value="Strategic transport corridor"' in html and 'value="ocds-12-x"' in html
    assert not [c for c in _contracts(ctx, world.council) if c.reference == "WCC-2025-001"]

    saved = submit(client, "/contracts/new", _fields(world, ocid=" ocds-h6vhtk-01a2b3 ", notice_id="012345-2025"))
    assert saved.status_code == 303
    new, = [c for c in _contracts(ctx, world.council) if c.reference == "WCC-2025-001"]
    assert (new.ocid, new.notice_id) == ("ocds-h6vhtk-01a2b3", "012345-2025")
    page = re.sub(r"\s+", " ", client.get(f"/contracts/{new.id}").get_data(as_text=True))
    assert "OCID ocds-h6vhtk-01a2b3<br>Find a Tender notice 012345-2025" in page
