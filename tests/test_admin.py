"""The admin area: council users' roles, areas, themes, measures and proxy values."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Area, AuditEvent, Measure, ProxyValue, Role, Theme, User
from app.services import reference
from app.errors import Invalid, NotAllowed, NotFound
from tests.conftest import post_form


@pytest.fixture
def council(make):
    """A council organisation."""
    return make.organisation(kind="buyer", name="Wyvern County Council")


@pytest.fixture
def admin_id(make, council):
    """A council admin."""
    return make.user(council, roles=["admin"], email="admin@example.gov.uk")


@pytest.fixture
def as_admin(login, admin_id):
    """The client signed in as the admin."""
    login(admin_id)
    return admin_id


def _admin(admin_id: int) -> User:
    """The admin as a User in the current session."""
    return db.session.get(User, admin_id)


def _proxy_rows(ctx, measure_id: int) -> list[tuple]:
    """A measure's proxy values as (pence, from, note, is_default, created_at), oldest first."""
    with ctx():
        return [(p.pence_per_unit, p.effective_from, p.source_note, p.is_default, p.created_at)
                for p in db.session.scalars(select(ProxyValue).where(ProxyValue.measure_id == measure_id)
                                            .order_by(ProxyValue.effective_from))]


def _proxy_form(pounds: str, day: str = "1", month: str = "4", year: str = "2026", note: str = "Council rate card") -> dict:
    """The add-a-proxy-value form's fields."""
    return {"pence_per_unit": pounds, "effective_from": [day, month, year], "source_note": note}


# --- access -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("roles", [["moderator"], ["contract_manager"], ["moderator", "contract_manager"]])
def test_council_user_without_admin_role_gets_403(client, make, login, council, roles):
    login(make.user(council, roles=roles))
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/measures").status_code == 403


def test_vcse_member_gets_403_and_visitor_is_sent_to_sign_in(client, make, login):
    assert client.get("/admin/measures").status_code == 302
    login(make.user(kind="vcse"))
    assert client.get("/admin/measures").status_code == 403


def test_admin_overview_links_every_section_with_counts(client, make, as_admin):
    make.measure(code="VOL-HOURS")
    html = client.get("/admin/").get_data(as_text=True)
    for href in ("/admin/users", "/admin/areas", "/admin/themes", "/admin/measures", "/admin/audit"):
        assert f'href="{href}"' in html
    assert "Measures and proxy values</a> (1)" in html


# --- proxy values -------------------------------------------------------------------------------------------------

def test_admin_adds_a_proxy_value_and_the_old_one_is_unchanged(client, make, ctx, as_admin):
    measure_id = make.measure(code="VOL-HOURS", pence=1221)
    before = _proxy_rows(ctx, measure_id)
    page = f"/admin/measures/{measure_id}"
    response = post_form(client, f"{page}/proxy-values", _proxy_form("12.60"), page=page)
    assert response.status_code == 303
    after = _proxy_rows(ctx, measure_id)
    assert after[0] == before[0]
    assert after[1][:4] == (1260, date(2026, 4, 1), "Council rate card", False)
    html = client.get(page).get_data(as_text=True)
    assert "£12.21" in html and "£12.60" in html
    with ctx():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "proxy_value.added"))


def test_a_second_value_on_the_same_date_is_refused_next_to_the_date(client, make, ctx, as_admin):
    measure_id = make.measure(code="VOL-HOURS", pence=1221)
    page = f"/admin/measures/{measure_id}"
    response = post_form(client, f"{page}/proxy-values", _proxy_form("13.00", "1", "4", "2025"), page=page)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "VOL-HOURS already has a proxy value from 1 April 2025" in html
    assert 'href="#effective_from-day"' in html      # the error summary links to the date's Day box
    assert 'value="13.00"' in html                    # what was typed is kept
    assert [row[0] for row in _proxy_rows(ctx, measure_id)] == [1221]


@pytest.mark.parametrize("typed, pence", [("12.21", 1221), ("12.2", 1220), ("12", 1200), ("£1,234.50", 123450),
                                          ("0", 0), ("0.01", 1)])
def test_pounds_typed_become_exact_pence(client, make, ctx, as_admin, typed, pence):
    measure_id = make.measure(pence=None)
    page = f"/admin/measures/{measure_id}"
    assert post_form(client, f"{page}/proxy-values", _proxy_form(typed), page=page).status_code == 303
    assert [row[0] for row in _proxy_rows(ctx, measure_id)] == [pence]


@pytest.mark.parametrize("typed, message", [
    ("12.211", "Proxy value must have no more than 2 decimal places"),
    ("-1", "Proxy value must be £0 or more"),
    ("twelve", "Proxy value must be an amount in pounds, like 12.21"),
    ("", "Enter the value per unit in pounds"),
    ("NaN", "Proxy value must be an amount in pounds"),
])
def test_bad_pounds_are_refused_next_to_the_field(client, make, ctx, as_admin, typed, message):
    measure_id = make.measure(pence=None)
    page = f"/admin/measures/{measure_id}"
    response = post_form(client, f"{page}/proxy-values", _proxy_form(typed), page=page)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'href="#pence_per_unit"' in html
    assert _proxy_rows(ctx, measure_id) == []


def test_proxy_value_for_unknown_measure_is_404(client, as_admin):
    response = post_form(client, "/admin/measures/999999/proxy-values", _proxy_form("1.00"), page="/admin/")
    assert response.status_code == 404


def test_service_refuses_negative_or_fractional_pence(app, make, admin_id):
    measure_id = make.measure(pence=None)
    with app.app_context():
        for bad in (-1, 12.5, "12"):
            with pytest.raises(Invalid) as raised:
                reference.add_proxy_value(measure_id, bad, date(2026, 1, 1), "", _admin(admin_id))
            assert raised.value.field == "pence_per_unit"


# --- measures -----------------------------------------------------------------------------------------------------

def test_admin_adds_a_measure_then_its_code_is_fixed(client, ctx, as_admin):
    data = {"code": "lunch-clubs", "name": "Lunch club sessions", "unit": "session",
            "categories": ["space", "volunteers"], "description": ""}
    response = post_form(client, "/admin/measures/new", data, page="/admin/measures/new")
    assert response.status_code == 303
    with ctx():
        measure = db.session.scalars(select(Measure)).one()
        assert (measure.code, [c.value for c in measure.categories]) == ("LUNCH-CLUBS", ["space", "volunteers"])
        measure_id = measure.id
    edit = f"/admin/measures/{measure_id}/edit"
    response = post_form(client, edit, {"code": "OTHER", "name": "Lunch clubs", "unit": "session",
                                        "categories": ["space"], "is_active": "y"}, page=edit)
    assert response.status_code == 303
    with ctx():
        measure = db.session.get(Measure, measure_id)
        assert (measure.code, measure.name, [c.value for c in measure.categories]) == ("LUNCH-CLUBS", "Lunch clubs", ["space"])


def test_duplicate_measure_code_is_a_field_error(client, make, as_admin):
    make.measure(code="VOL-HOURS")
    response = post_form(client, "/admin/measures/new", {"code": "vol-hours", "name": "Again", "unit": "hour",
                                                          "categories": ["volunteers"]}, page="/admin/measures/new")
    assert response.status_code == 422
    assert "There is already a measure with the code VOL-HOURS" in response.get_data(as_text=True)


def test_measure_form_without_categories_keeps_what_was_typed(client, as_admin):
    response = post_form(client, "/admin/measures/new", {"code": "X-1", "name": "Typed name", "unit": "hour"},
                         page="/admin/measures/new")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Select at least one kind of help this measure counts" in html and 'value="Typed name"' in html


def test_measures_list_shows_current_value_and_default_tag(client, make, ctx, as_admin):
    measure_id = make.measure(code="VOL-HOURS", pence=None)
    with ctx():
        db.session.add(ProxyValue(measure_id=measure_id, pence_per_unit=1221, effective_from=date(2025, 4, 1),
                                  is_default=True))
        db.session.commit()
    make.measure(code="PUPILS", pence=None)
    html = client.get("/admin/measures").get_data(as_text=True)
    assert "£12.21" in html and "1 April 2025" in html and "Default to review" in html
    assert "Not valued" in html
    assert f"/admin/measures/{measure_id}" in html


def _measures_with_values(make, count: int) -> None:
    """Some measures, each with two proxy values and two categories."""
    for _ in range(count):
        measure_id = make.measure(categories=("volunteers", "advice"))
        with make.app.app_context():
            db.session.add(ProxyValue(measure_id=measure_id, pence_per_unit=1300, effective_from=date(2026, 4, 1)))
            db.session.commit()


def _queries_for(client, count_queries, url: str) -> int:
    """How many SQL statements one page view ran."""
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter["n"]


def test_measures_list_query_count_does_not_grow_with_rows(client, make, count_queries, as_admin):
    _measures_with_values(make, 3)
    few = _queries_for(client, count_queries, "/admin/measures")
    _measures_with_values(make, 27)
    assert _queries_for(client, count_queries, "/admin/measures") == few


def test_measure_page_query_count_does_not_grow_with_history(client, make, ctx, count_queries, as_admin):
    measure_id = make.measure(pence=100)

    def add_values(start, n):
        """Add n more proxy values, a year apart."""
        with ctx():
            db.session.add_all(ProxyValue(measure_id=measure_id, pence_per_unit=100 + i,
                                          effective_from=date(2000 + i, 1, 1)) for i in range(start, start + n))
            db.session.commit()
    add_values(0, 2)
    few = _queries_for(client, count_queries, f"/admin/measures/{measure_id}")
    add_values(2, 28)
    assert _queries_for(client, count_queries, f"/admin/measures/{measure_id}") == few


# --- users and roles ----------------------------------------------------------------------------------------------

def test_users_list_shows_council_users_and_roles_only(client, make, council, as_admin):
    make.user(council, roles=["moderator", "contract_manager"], email="mo@example.gov.uk")
    make.user(kind="vcse", email="charity@example.org")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "mo@example.gov.uk" in html and "Contract manager, Moderator" in html
    assert "charity@example.org" not in html
    html = client.get("/admin/users?q=MO@").get_data(as_text=True)
    assert "mo@example.gov.uk" in html and "admin@example.gov.uk" not in html


def test_users_list_query_count_does_not_grow_with_rows(client, make, count_queries, council, as_admin):
    for _ in range(2):
        make.user(council, roles=["moderator"])
    few = _queries_for(client, count_queries, "/admin/users")
    for _ in range(20):
        make.user(council, roles=["moderator", "contract_manager"])
    assert _queries_for(client, count_queries, "/admin/users") == few


def test_admin_changes_a_users_roles(client, make, ctx, council, as_admin):
    user_id = make.user(council, roles=["moderator"])
    page = f"/admin/users/{user_id}/roles"
    assert 'value="moderator" checked' in client.get(page).get_data(as_text=True)
    response = post_form(client, page, {"roles": ["contract_manager", "admin"]}, page=page)
    assert response.status_code == 303
    with ctx():
        assert db.session.get(User, user_id).roles == {Role.CONTRACT_MANAGER, Role.ADMIN}
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.roles_changed")).one()
        assert event.data == {"before": ["moderator"], "after": ["admin", "contract_manager"]}
    assert post_form(client, page, {}, page=page).status_code == 303
    with ctx():
        assert db.session.get(User, user_id).roles == set()


def test_admin_cannot_remove_their_own_admin_role(client, ctx, as_admin):
    page = f"/admin/users/{as_admin}/roles"
    response = post_form(client, page, {"roles": ["moderator"]}, page=page)
    assert response.status_code == 422
    assert "You cannot remove your own admin role" in response.get_data(as_text=True)
    with ctx():
        assert db.session.get(User, as_admin).roles == {Role.ADMIN}


def test_roles_page_for_unknown_or_non_council_user_is_404(client, make, as_admin):
    assert client.get("/admin/users/999999/roles").status_code == 404
    assert client.get(f"/admin/users/{make.user(kind='supplier')}/roles").status_code == 404


def test_service_refuses_roles_for_a_supplier_and_unknown_user(app, make, admin_id):
    supplier_id = make.user(kind="supplier")
    with app.app_context():
        with pytest.raises(NotFound):
            reference.set_user_roles(_admin(admin_id), 999999, [Role.MODERATOR])
        with pytest.raises(Exception, match="Only council staff"):
            reference.set_user_roles(_admin(admin_id), supplier_id, [Role.MODERATOR])


def test_admin_invites_a_council_user_with_roles(client, ctx, outbox, as_admin):
    data = {"name": "Robin Reviewer", "email": "Robin@Example.gov.uk", "roles": ["moderator"]}
    response = post_form(client, "/admin/users/invite", data, page="/admin/users/invite")
    assert response.status_code == 303
    with ctx():
        invitee = db.session.scalars(select(User).where(User.email == "robin@example.gov.uk")).one()
        assert invitee.roles == {Role.MODERATOR} and invitee.password_hash is None
        assert invitee.organisation_id == db.session.get(User, as_admin).organisation_id
    (to, subject, body), = outbox()
    assert to == "robin@example.gov.uk" and "invited you to join Wyvern County Council" in subject
    assert re.search(r"http://marketplace.test/\S+/[\w-]{20,}", body)


def test_invite_to_an_email_in_use_is_a_field_error(client, as_admin):
    data = {"name": "Again", "email": "admin@example.gov.uk", "roles": ["moderator"]}
    response = post_form(client, "/admin/users/invite", data, page="/admin/users/invite")
    assert response.status_code == 422
    assert "An account already uses this email address" in response.get_data(as_text=True)


# --- areas and themes ---------------------------------------------------------------------------------------------

def test_admin_adds_renames_and_deactivates_an_area(client, ctx, as_admin):
    assert post_form(client, "/admin/areas/new", {"name": "Ashby Vale"}, page="/admin/areas/new").status_code == 303
    with ctx():
        area_id = db.session.scalar(select(Area.id))
    page = f"/admin/areas/{area_id}/rename"
    assert post_form(client, page, {"name": "Ashby Vale North"}, page=page).status_code == 303
    assert post_form(client, f"/admin/areas/{area_id}/deactivate", page="/admin/areas").status_code == 303
    with ctx():
        area = db.session.get(Area, area_id)
        assert (area.name, area.is_active) == ("Ashby Vale North", False)
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions == ["area.created", "area.renamed", "area.deactivated"]
    assert "Offer again" in client.get("/admin/areas").get_data(as_text=True)


def test_an_area_keeps_its_ons_code_tidied_and_unique_and_the_change_is_audited(client, ctx, make, as_admin):
    other = make.area("Fenwick")
    with ctx():
        db.session.get(Area, other).ons_code = "E06000002"
        db.session.commit()
    new = "/admin/areas/new"
    assert post_form(client, new, {"name": "Ashby Vale", "ons_code": " e06 000001 "}, page=new).status_code == 303
    with ctx():
        area_id = db.session.scalar(select(Area.id).where(Area.name == "Ashby Vale"))
        assert db.session.get(Area, area_id).ons_code == "E06000001"
    page = f"/admin/areas/{area_id}/rename"
    taken = post_form(client, page, {"name": "Ashby Vale", "ons_code": "E06000002"}, page=page)
    malformed = post_form(client, page, {"name": "Ashby Vale", "ons_code": "E6000001"}, page=page)
    assert taken.status_code == 422 and "Another area already has the ONS code E06000002" in taken.get_data(as_text=True)
    assert malformed.status_code == 422
    assert "Enter an ONS code of a letter and 8 digits, like E06000001" in malformed.get_data(as_text=True)
    assert post_form(client, page, {"name": "Ashby Vale", "ons_code": ""}, page=page).status_code == 303
    with ctx():
        assert db.session.get(Area, area_id).ons_code is None
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "area.ons_code_changed")).one()
        assert (event.data["old_code"], event.data["new_code"]) == ("E06000001", None)
    assert "E06000002" in client.get("/admin/areas").get_data(as_text=True)


def test_duplicate_area_name_is_refused_whatever_the_case(client, make, as_admin):
    make.area("Fenwick")
    response = post_form(client, "/admin/areas/new", {"name": " fenwick "}, page="/admin/areas/new")
    assert response.status_code == 422
    assert "There is already an area called fenwick" in response.get_data(as_text=True)


def test_admin_adds_and_edits_a_theme(client, ctx, as_admin):
    data = {"name": "Climate", "description": "Carbon and nature."}
    assert post_form(client, "/admin/themes/new", data, page="/admin/themes/new").status_code == 303
    with ctx():
        theme_id = db.session.scalar(select(Theme.id))
    page = f"/admin/themes/{theme_id}/edit"
    assert 'name="is_active" type="checkbox" value="y" checked' in client.get(page).get_data(as_text=True)
    assert post_form(client, page, {"name": "Climate and nature", "description": ""}, page=page).status_code == 303
    with ctx():
        theme = db.session.get(Theme, theme_id)
        assert (theme.name, theme.description, theme.is_active) == ("Climate and nature", "", False)


def test_duplicate_theme_name_is_refused(client, make, as_admin):
    make.theme("Local economy")
    response = post_form(client, "/admin/themes/new", {"name": "Local Economy"}, page="/admin/themes/new")
    assert response.status_code == 422
    assert "There is already a theme called Local Economy" in response.get_data(as_text=True)


# --- CSV and audit pages ------------------------------------------------------------------------------------------

def test_export_is_a_csv_download(client, make, as_admin):
    make.measure(code="VOL-HOURS", pence=1221)
    response = client.get("/admin/measures/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "VOL-HOURS" in response.get_data(as_text=True)


def test_import_page_lists_row_errors_and_imports_nothing(client, ctx, as_admin):
    text = ("code,name,unit,categories,pence_per_unit,effective_from,source_note,is_default\n"
            "GOOD,Good,hour,volunteers,100,2025-04-01,,no\n"
            "BAD,Bad,hour,volunteers,12.5,2025-04-01,,no\n")
    from io import BytesIO
    response = post_form(client, "/admin/measures/import", {"file": (BytesIO(text.encode()), "measures.csv")},
                         page="/admin/measures/import", content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Row 3: pence_per_unit must be a whole number of pence" in html
    assert "The file was not imported" in html
    with ctx():
        assert db.session.scalars(select(Measure)).all() == []


def test_import_page_without_a_file_is_a_field_error(client, as_admin):
    response = post_form(client, "/admin/measures/import", {}, page="/admin/measures/import")
    assert response.status_code == 422
    assert "Select a CSV file" in response.get_data(as_text=True)


def test_import_page_imports_a_good_file_and_says_what_it_did(client, ctx, as_admin):
    from io import BytesIO
    text = ("code,name,unit,categories,pence_per_unit,effective_from,source_note,is_default\n"
            "GOOD,Good,hour,volunteers,100,2025-04-01,From a survey,no\n")
    response = post_form(client, "/admin/measures/import", {"file": (BytesIO(text.encode()), "measures.csv")},
                         page="/admin/measures/import", content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "Imported 1 new measure, updated 0 measures and added 1 proxy value." in response.get_data(as_text=True)


def test_audit_log_lists_events_with_who_did_them(client, make, as_admin):
    post_form(client, "/admin/areas/new", {"name": "Dunmore"}, page="/admin/areas/new")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "area.created" in html and "name: Dunmore" in html


def test_invite_to_an_email_registered_at_the_same_moment_is_a_field_error_not_a_500(client, ctx, outbox, as_admin,
                                                                                       council, monkeypatch):
    """The admin's check passes, someone else's registration commits, then the unique constraint fires at the flush."""
    from sqlalchemy import insert

    real_lookup = reference.user_by_email

    def look_then_lose_the_race(email: str):
        found = real_lookup(email)
        with db.engine.begin() as connection:
            connection.execute(insert(User).values(organisation_id=council, name="Quick", email=email))
        return found

    monkeypatch.setattr(reference, "user_by_email", look_then_lose_the_race)
    data = {"name": "Robin Reviewer", "email": "robin@example.gov.uk", "roles": ["moderator"]}
    response = post_form(client, "/admin/users/invite", data, page="/admin/users/invite")
    assert response.status_code == 422
    assert "An account already uses this email address" in response.get_data(as_text=True)
    assert outbox() == []
    with ctx():
        assert db.session.scalars(select(User.name).where(User.email == "robin@example.gov.uk")).all() == ["Quick"]


def test_a_saved_proxy_value_cannot_be_changed_even_directly_through_the_orm(make, ctx):
    from app.models import ProxyValueIsFixed

    measure_id = make.measure(pence=1221)
    with ctx():
        proxy = db.session.scalars(select(ProxyValue).where(ProxyValue.measure_id == measure_id)).one()
        proxy.pence_per_unit = 9999
        with pytest.raises(ProxyValueIsFixed):
            db.session.commit()
        db.session.rollback()
    assert [row[0] for row in _proxy_rows(ctx, measure_id)] == [1221]


@pytest.mark.parametrize("kind", ["area", "theme"])
def test_a_name_saved_by_another_admin_at_the_same_moment_is_a_field_error_not_a_500(
        client, as_admin, ctx, monkeypatch, kind):
    """Both saves pass the duplicate check; the unique constraint fires at the flush and becomes the field's error."""
    model = {"area": Area, "theme": Theme}[kind]
    real_check = reference._require_unique

    def check_then_lose_the_race(checked_model, column, value, *args, **kwargs):
        real_check(checked_model, column, value, *args, **kwargs)
        with db.engine.begin() as connection:
            connection.execute(model.__table__.insert().values(name=value, is_active=True))

    monkeypatch.setattr(reference, "_require_unique", check_then_lose_the_race)
    response = post_form(client, f"/admin/{kind}s/new", {"name": "Riverside"}, page=f"/admin/{kind}s/new")

    assert response.status_code == 422
    assert f"There is already {'an area' if kind == 'area' else 'a theme'} called Riverside" in \
        response.get_data(as_text=True)
    with ctx():
        assert db.session.scalars(select(model.name).where(model.name == "Riverside")).all() == ["Riverside"]


def test_a_measure_carries_one_code_per_framework_and_every_change_is_audited(client, ctx, make, as_admin):
    measure_id = make.measure()
    page = f"/admin/measures/{measure_id}"
    codes = f"{page}/codes"
    assert post_form(client, codes, {"scheme": "  Regional   list ", "code": "RL-7"}, page=page).status_code == 303
    assert post_form(client, codes, {"scheme": "Council reporting", "code": "SV 3.1"}, page=page).status_code == 303
    replaced = post_form(client, codes, {"scheme": "regional list", "code": "RL-8"}, page=page)
    assert replaced.status_code == 303
    with ctx():
        measure = db.session.get(Measure, measure_id)
        assert [(c.scheme, c.code) for c in measure.codes] == [("Council reporting", "SV 3.1"), ("regional list", "RL-8")]
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("measure.code%"))
                                     .order_by(AuditEvent.id)).all()
        assert actions == ["measure.code_added", "measure.code_added", "measure.code_changed"]
        council_code = next(c.id for c in measure.codes if c.scheme == "Council reporting")
    html = client.get(page).get_data(as_text=True)
    assert "SV 3.1" in html and "RL-8" in html and "RL-7" not in html
    assert "Council reporting SV 3.1" in client.get("/admin/measures").get_data(as_text=True)
    assert post_form(client, f"{codes}/{council_code}/remove", {}, page=page).status_code == 303
    with ctx():
        assert [c.code for c in db.session.get(Measure, measure_id).codes] == ["RL-8"]
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "measure.code_removed")).one()
        assert (event.data["scheme"], event.data["code"]) == ("Council reporting", "SV 3.1")
    assert post_form(client, f"{codes}/{council_code}/remove", {}, page=page).status_code == 404


@pytest.mark.parametrize("answer, field, message", [
    ({"scheme": "", "code": "X1"}, "scheme", "Enter the framework"),
    ({"scheme": "Regional", "code": ""}, "code", "Enter the measure&#39;s code in this framework"),
    ({"scheme": "<b>Regional</b>", "code": "X1"}, "scheme", "Framework must use only letters, numbers, spaces"),
    ({"scheme": "Regional", "code": "=HYPERLINK(1)"}, "code", "Code must use only letters, numbers"),
    ({"scheme": "R" * 41, "code": "X1"}, "scheme", "Framework must be 40 characters or fewer"),
])
def test_a_bad_framework_code_is_refused_next_to_its_field(client, ctx, make, as_admin, answer, field, message):
    measure_id = make.measure()
    page = f"/admin/measures/{measure_id}"
    response = post_form(client, f"{page}/codes", answer, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    with ctx():
        assert db.session.get(Measure, measure_id).codes == []


def test_only_admins_change_a_measures_codes(ctx, make):
    measure_id = make.measure()
    org = make.organisation(kind="buyer", name="Test Council")
    with ctx():
        manager = db.session.get(User, make.user(org, roles=["contract_manager"], org_admin=False))
        with pytest.raises(NotAllowed):
            reference.set_measure_code(manager, measure_id, "Regional", "R1")
        assert db.session.get(Measure, measure_id).codes == []
