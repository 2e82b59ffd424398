"""Every route, every role: who may reach what. A route missing from the matrix fails."""
import re

import pytest

from tests import factories_evidence as evidence
from tests import factories_ledger as ledger
from tests import factories_offers as offers
from tests.conftest import csrf_token, login_as

ROLES = ("anonymous", "vcse", "supplier", "moderator", "contract_manager", "admin")
LOGIN = "sign-in"   # redirected to the sign-in page
OK = "ok"           # allowed: the request reached the view (any status but 401/403/5xx or a sign-in redirect)


def expect(anonymous, vcse, supplier, moderator, contract_manager, admin) -> dict:
    """Expected outcome per role, in ROLES order."""
    return dict(zip(ROLES, (anonymous, vcse, supplier, moderator, contract_manager, admin)))


EVERYONE = expect(200, 200, 200, 200, 200, 200)
SIGNED_IN = expect(LOGIN, 200, 200, 200, 200, 200)
SIGNED_IN_POST = expect(LOGIN, OK, OK, OK, OK, OK)
ORG_ADMINS = expect(LOGIN, 200, 200, 403, 403, 200)
ORG_ADMINS_POST = expect(LOGIN, OK, OK, 403, 403, OK)
MODERATORS = expect(LOGIN, 403, 403, 200, 403, 403)
MODERATORS_POST = expect(LOGIN, 403, 403, OK, 403, 403)
ADMINS = expect(LOGIN, 403, 403, 403, 403, 200)
ADMINS_POST = expect(LOGIN, 403, 403, 403, 403, OK)
ANY_POST = expect(OK, OK, OK, OK, OK, OK)
DEAD_LINK = expect(410, 410, 410, 410, 410, 410)
VCSE_MEMBERS = expect(LOGIN, 200, 403, 403, 403, 403)
SUPPLIER_MEMBERS = expect(LOGIN, 403, 200, 403, 403, 403)
SUPPLIER_MEMBERS_POST = expect(LOGIN, 403, OK, 403, 403, 403)
CONTRACT_READERS = expect(LOGIN, 403, 403, 200, 200, 403)
CONTRACT_READERS_POST = expect(LOGIN, 403, 403, OK, OK, 403)
CONTRACT_MANAGERS = expect(LOGIN, 403, 403, 403, 200, 403)
CONTRACT_MANAGERS_POST = expect(LOGIN, 403, 403, 403, OK, 403)
VCSE_MEMBERS_POST = expect(LOGIN, OK, 403, 403, 403, 403)
COUNCIL_STAFF = expect(LOGIN, 403, 403, 200, 200, 200)

# (endpoint, method) -> expected outcome for each role.
MATRIX = {
    ("static", "GET"): EVERYONE,
    ("public.index", "GET"): EVERYONE,
    ("public.accessibility", "GET"): EVERYONE,
    ("public.privacy", "GET"): EVERYONE,
    ("public.healthz", "GET"): EVERYONE,
    ("auth.sign_in", "GET"): EVERYONE,
    ("auth.sign_in", "POST"): ANY_POST,
    # Signing out sends you (303) to the sign-in page; anonymous visitors are redirected (302) there.
    ("auth.sign_out", "POST"): expect(LOGIN, 303, 303, 303, 303, 303),
    ("auth.register", "GET"): EVERYONE,
    ("auth.register", "POST"): ANY_POST,
    ("auth.verify_email", "GET"): DEAD_LINK,
    ("auth.forgotten_password", "GET"): EVERYONE,
    ("auth.forgotten_password", "POST"): ANY_POST,
    ("auth.reset_password", "GET"): DEAD_LINK,
    ("auth.reset_password", "POST"): DEAD_LINK,
    ("auth.accept_invite", "GET"): DEAD_LINK,
    ("auth.accept_invite", "POST"): DEAD_LINK,
    # Approved users are sent on from the waiting page to their account.
    ("account.index", "GET"): SIGNED_IN,
    ("account.waiting", "GET"): expect(LOGIN, 302, 302, 302, 302, 302),
    ("account.resend_verification", "POST"): SIGNED_IN_POST,
    ("account.change_password", "GET"): SIGNED_IN,
    ("account.change_password", "POST"): SIGNED_IN_POST,
    ("account.notifications_settings", "GET"): SIGNED_IN,
    ("account.notifications_settings", "POST"): SIGNED_IN_POST,
    # Unsubscribe links work without signing in: the world's token is forged, so everyone gets 400.
    ("public.unsubscribe", "GET"): expect(400, 400, 400, 400, 400, 400),
    ("public.unsubscribe", "POST"): expect(400, 400, 400, 400, 400, 400),
    ("account.team", "GET"): SIGNED_IN,
    ("account.invite", "GET"): ORG_ADMINS,
    ("account.invite", "POST"): ORG_ADMINS_POST,
    # An unknown colleague is 404 for those allowed to remove colleagues at all.
    ("account.remove", "POST"): expect(LOGIN, 404, 404, 403, 403, 404),
    ("moderation.index", "GET"): MODERATORS,
    ("moderation.organisation_queue", "GET"): MODERATORS,
    ("moderation.organisation_review", "GET"): MODERATORS,
    ("moderation.approve_organisation", "POST"): MODERATORS_POST,
    ("moderation.reject_organisation", "POST"): MODERATORS_POST,
    ("moderation.need_queue", "GET"): MODERATORS,
    ("moderation.need_review", "GET"): MODERATORS,
    ("moderation.approve_need", "POST"): MODERATORS_POST,
    ("moderation.request_need_changes", "POST"): MODERATORS_POST,
    ("moderation.reject_need", "POST"): MODERATORS_POST,
    ("moderation.hide_need", "POST"): MODERATORS_POST,
    ("public.needs", "GET"): EVERYONE,
    # Contract managers run contracts; moderators may read them and reverse wrong ledger entries.
    ("contracts.index", "GET"): CONTRACT_READERS,
    ("contracts.portfolio_csv", "GET"): CONTRACT_READERS,
    ("contracts.ledger_csv", "GET"): CONTRACT_READERS,
    ("reports.overview", "GET"): COUNCIL_STAFF,
    ("reports.overview_csv", "GET"): COUNCIL_STAFF,
    # The annual report: /reports/annual sends council staff (302) on to a year's report.
    ("reports.annual_index", "GET"): expect(LOGIN, 403, 403, 302, 302, 302),
    ("reports.annual", "GET"): COUNCIL_STAFF,
    ("reports.annual_zip", "GET"): COUNCIL_STAFF,
    ("reports.choose_annual_case_studies", "POST"): expect(LOGIN, 403, 403, OK, OK, OK),
    ("public.impact", "GET"): EVERYONE,
    ("contracts.contract", "GET"): CONTRACT_READERS,
    ("contracts.reverse_entry", "GET"): CONTRACT_READERS,
    ("contracts.reverse_entry", "POST"): CONTRACT_READERS_POST,
    ("contracts.new_contract", "GET"): CONTRACT_MANAGERS,
    ("contracts.new_contract", "POST"): CONTRACT_MANAGERS_POST,
    ("contracts.edit_contract", "GET"): CONTRACT_MANAGERS,
    ("contracts.edit_contract", "POST"): CONTRACT_MANAGERS_POST,
    ("contracts.end_contract", "GET"): CONTRACT_MANAGERS,
    ("contracts.end_contract", "POST"): CONTRACT_MANAGERS_POST,
    ("contracts.new_commitment", "GET"): CONTRACT_MANAGERS,
    ("contracts.new_commitment", "POST"): CONTRACT_MANAGERS_POST,
    ("contracts.edit_commitment", "GET"): CONTRACT_MANAGERS,
    ("contracts.edit_commitment", "POST"): CONTRACT_MANAGERS_POST,
    # Published KPIs (Procurement Act 2023): contract managers change them; moderators may read the notice downloads
    # (the world's contract has no KPIs or ratings yet, so the rating page is 409 and the downloads 404 for them).
    ("contracts.publish_kpi", "POST"): CONTRACT_MANAGERS_POST,
    ("contracts.withdraw_kpi", "POST"): CONTRACT_MANAGERS_POST,
    ("contracts.kpi_exemption", "GET"): CONTRACT_MANAGERS,
    ("contracts.kpi_exemption", "POST"): CONTRACT_MANAGERS_POST,
    ("contracts.rate_kpis", "GET"): CONTRACT_MANAGERS_POST,
    ("contracts.rate_kpis", "POST"): CONTRACT_MANAGERS_POST,
    ("contracts.kpi_notice_text", "GET"): CONTRACT_READERS_POST,
    ("contracts.kpi_notice_csv", "GET"): CONTRACT_READERS_POST,
    ("vcse.pledges", "GET"): VCSE_MEMBERS,
    ("vcse.pledge", "GET"): VCSE_MEMBERS,
    ("vcse.accept_pledge", "POST"): VCSE_MEMBERS_POST,
    ("vcse.decline_pledge", "POST"): VCSE_MEMBERS_POST,
    ("vcse.confirm_pledge", "POST"): VCSE_MEMBERS_POST,
    ("vcse.dispute_pledge", "POST"): VCSE_MEMBERS_POST,
    ("supplier.contracts", "GET"): SUPPLIER_MEMBERS,
    ("supplier.pledges", "GET"): SUPPLIER_MEMBERS,
    # The world's need is a draft: a supplier cannot pledge to a need it may not know exists.
    ("supplier.new_pledge", "GET"): expect(LOGIN, 403, 404, 403, 403, 403),
    # The world's need is a draft: suppliers get 404 for it, everyone else is refused before it is looked up.
    ("supplier.suggestions", "GET"): SUPPLIER_MEMBERS,
    ("supplier.dismiss_suggestion", "GET"): expect(LOGIN, 403, 404, 403, 403, 403),
    ("supplier.dismiss_suggestion", "POST"): expect(LOGIN, 403, 404, 403, 403, 403),
    ("home.index", "GET"): SIGNED_IN,
    ("contracts.send_suggestions", "POST"): CONTRACT_MANAGERS_POST,
    ("supplier.new_pledge", "POST"): expect(LOGIN, 403, 404, 403, 403, 403),
    ("supplier.pledge", "GET"): SUPPLIER_MEMBERS,
    ("supplier.withdraw_pledge", "POST"): SUPPLIER_MEMBERS_POST,
    ("supplier.cancel_pledge", "POST"): SUPPLIER_MEMBERS_POST,
    # The world's pledge is disputed, so its supplier is sent back (303) to the pledge with a message.
    ("supplier.deliver_pledge", "GET"): expect(LOGIN, 403, 303, 403, 403, 403),
    ("supplier.deliver_pledge", "POST"): SUPPLIER_MEMBERS_POST,
    ("moderation.disputes", "GET"): MODERATORS,
    ("moderation.dispute", "GET"): MODERATORS,
    ("moderation.resolve_confirm", "POST"): MODERATORS_POST,
    ("moderation.resolve_cancel", "POST"): MODERATORS_POST,
    # The world's user_id is unknown, so even an admin gets 404 for its roles page.
    ("admin.edit_roles", "GET"): expect(LOGIN, 403, 403, 403, 403, 404),
    ("admin.edit_roles", "POST"): expect(LOGIN, 403, 403, 403, 403, 404),
    # The need in the world is a draft: only its own organisation and moderators may know it exists.
    ("public.need", "GET"): expect(404, 200, 404, 200, 404, 404),
    ("vcse.needs_list", "GET"): VCSE_MEMBERS,
    ("vcse.new_need", "GET"): VCSE_MEMBERS,
    ("vcse.new_need", "POST"): VCSE_MEMBERS_POST,
    ("vcse.need", "GET"): VCSE_MEMBERS,
    ("vcse.edit_need", "GET"): VCSE_MEMBERS,
    ("vcse.edit_need", "POST"): VCSE_MEMBERS_POST,
    ("vcse.submit_need", "POST"): VCSE_MEMBERS_POST,
    ("vcse.withdraw_need", "POST"): VCSE_MEMBERS_POST,
    ("vcse.close_need", "POST"): VCSE_MEMBERS_POST,
    # Standing offers. The world's offer_id is the supplier's rejected offer (no POST below can change that): only
    # the supplier and moderators may know it exists, and its supplier is sent back (303) from its edit page.
    ("public.offers", "GET"): EVERYONE,
    ("public.offer", "GET"): expect(404, 404, 200, 200, 404, 404),
    ("supplier.offers", "GET"): SUPPLIER_MEMBERS,
    ("supplier.new_offer", "GET"): SUPPLIER_MEMBERS,
    ("supplier.new_offer", "POST"): SUPPLIER_MEMBERS_POST,
    ("supplier.offer", "GET"): SUPPLIER_MEMBERS,
    ("supplier.edit_offer", "GET"): expect(LOGIN, 403, 303, 403, 403, 403),
    ("supplier.edit_offer", "POST"): SUPPLIER_MEMBERS_POST,
    ("supplier.submit_offer", "POST"): SUPPLIER_MEMBERS_POST,
    ("supplier.close_offer", "POST"): SUPPLIER_MEMBERS_POST,
    # The world's request_id is the VCSE's request for the supplier's open offer.
    ("supplier.offer_request", "GET"): SUPPLIER_MEMBERS,
    ("supplier.accept_offer_request", "POST"): SUPPLIER_MEMBERS_POST,
    ("supplier.decline_offer_request", "POST"): SUPPLIER_MEMBERS_POST,
    # A group cannot request an unpublished offer it may not know exists.
    ("vcse.request_offer", "GET"): expect(LOGIN, 404, 403, 403, 403, 403),
    ("vcse.request_offer", "POST"): expect(LOGIN, 404, 403, 403, 403, 403),
    ("vcse.offer_requests", "GET"): VCSE_MEMBERS,
    ("vcse.offer_request", "GET"): VCSE_MEMBERS,
    ("vcse.withdraw_offer_request", "POST"): VCSE_MEMBERS_POST,
    ("moderation.offer_queue", "GET"): MODERATORS,
    ("moderation.offer_review", "GET"): MODERATORS,
    ("moderation.approve_offer", "POST"): MODERATORS_POST,
    ("moderation.request_offer_changes", "POST"): MODERATORS_POST,
    ("moderation.reject_offer", "POST"): MODERATORS_POST,
    ("moderation.hide_offer", "POST"): MODERATORS_POST,
    # Evidence: the world's file is on the confirmed delivery, so both sides and the council's contract staff may
    # fetch it; an admin without those roles is told it does not exist.
    ("home.evidence", "GET"): expect(LOGIN, 200, 200, 200, 200, 404),
    # Case studies: the world's case_study_id waits for review (a bare POST is refused by its form, so it keeps
    # waiting); its story_id is published, for everyone to read.
    ("moderation.case_study_queue_page", "GET"): MODERATORS,
    ("moderation.case_study_review", "GET"): MODERATORS,
    ("moderation.publish_case_study", "POST"): MODERATORS_POST,
    ("moderation.decline_case_study", "POST"): MODERATORS_POST,
    ("public.case_study", "GET"): EVERYONE,
}

# Every admin route is for admins only; listed by name so a new one must be added on purpose.
ADMIN_ENDPOINTS: set[str] = {
    "admin.index",
    "admin.users",
    "admin.edit_roles",
    "admin.invite_user",
    "admin.areas",
    "admin.new_area",
    "admin.rename_area",
    "admin.activate_area",
    "admin.deactivate_area",
    "admin.themes",
    "admin.new_theme",
    "admin.edit_theme",
    "admin.measures",
    "admin.new_measure",
    "admin.measure",
    "admin.edit_measure",
    "admin.add_proxy_value",
    "admin.set_measure_code",
    "admin.remove_measure_code",
    "admin.export_measures",
    "admin.import_measures",
    "admin.audit_log",
    "admin.policy",
    "admin.outbox_page",
    "admin.retry_email",
}


def _expected(endpoint: str, method: str) -> dict | None:
    """The matrix row for a route, or None if it is missing."""
    if (endpoint, method) in MATRIX:
        return MATRIX[(endpoint, method)]
    if endpoint in ADMIN_ENDPOINTS:
        return ADMINS if method == "GET" else ADMINS_POST
    return None


@pytest.fixture
def world(make):
    """One user per role, and objects for the routes' URL parameters."""
    area = make.area()
    council = make.organisation(kind="buyer", name="Test Council")
    vcse_org = make.organisation(kind="vcse", area_ids=[area])
    supplier_org = make.organisation(kind="supplier", area_ids=[area])
    users = {
        "vcse": make.user(vcse_org),
        "supplier": make.user(supplier_org),
        "moderator": make.user(council, roles=["moderator"], org_admin=False),
        "contract_manager": make.user(council, roles=["contract_manager"], org_admin=False),
        "admin": make.user(council, roles=["admin"], org_admin=True),
    }
    params = {
        "organisation_id": make.organisation(kind="vcse", status="pending", area_ids=[area]),
        "user_id": 999999,
        "code_id": 999999,
        "token": "not-a-real-token",
        "filename": "css/app.css",
        "area_id": area,
        "theme_id": make.theme(),
        "measure_id": make.measure(),
        "message_id": 999999,  # no such email: an admin is answered 404
        "key": "theme",  # a report table's name
        "year": 2024,  # a financial year for the annual report
    }
    params["need_id"] = make.need(vcse_org, status="draft")
    # A contract of the council with the supplier: one confirmed delivery and one disputed, to the VCSE's open need.
    open_need = make.need(vcse_org, status="open", measure_id=params["measure_id"], quantity="100")
    params["contract_id"] = ledger.contract(make.app, council, supplier_org, users["contract_manager"])
    params["commitment_id"] = ledger.commitment(make.app, params["contract_id"], params["measure_id"])
    args = (make.app, open_need, params["commitment_id"], users["supplier"], users["vcse"])
    params["entry_id"] = ledger.confirmed_entry(*args)
    params["pledge_id"] = ledger.disputed_pledge(*args)
    offer_args = {"area_ids": [area], "theme_ids": [params["theme_id"]]}
    params["offer_id"] = offers.offer(make.app, params["commitment_id"], status="rejected", **offer_args)
    open_offer = offers.offer(make.app, params["commitment_id"], status="open", **offer_args)
    params["request_id"] = offers.request(make.app, open_offer, users["vcse"])
    params["file_id"] = evidence.attach_file(make.app, evidence.entry_pledge(make.app, params["entry_id"]),
                                             users["supplier"])
    params["case_study_id"] = evidence.case_study(make.app, params["entry_id"])
    params["story_id"] = evidence.case_study(make.app, ledger.confirmed_entry(*args), publish_as=users["moderator"])
    return users, params


def _url(rule, params) -> str:
    """Fill a rule's URL parameters from the world's objects."""
    missing = [arg for arg in rule.arguments if arg not in params]
    assert not missing, f"add a value for URL parameter(s) {missing} of {rule.endpoint} to the world fixture"
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(params[m.group(1)]), rule.rule)


def _outcome(response) -> object:
    """What a role got: a sign-in redirect, or the status code."""
    if response.status_code == 302 and "/sign-in" in response.headers.get("Location", ""):
        return LOGIN
    return response.status_code


def test_every_route_answers_each_role_as_the_matrix_says(app, world):
    users, params = world
    # Signing out ends the session, so it goes last.
    rules = sorted(((rule, method) for rule in app.url_map.iter_rules()
                    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})),
                   key=lambda pair: pair[0].endpoint == "auth.sign_out")
    missing = [f"{rule.endpoint} {method}" for rule, method in rules if _expected(rule.endpoint, method) is None]
    assert not missing, f"routes missing from the authorisation matrix: {missing}"

    failures = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            login_as(client, app, users[role])
        token = csrf_token(client)
        for rule, method in rules:
            url = _url(rule, params)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token})
            response.close()
            want, got = _expected(rule.endpoint, method)[role], _outcome(response)
            allowed = got not in (LOGIN, 401, 403) and isinstance(got, int) and got < 500
            if (want == OK and not allowed) or (want != OK and got != want):
                failures.append(f"{role:>16} {method:4} {url}: expected {want}, got {got}")
    assert not failures, "\n" + "\n".join(failures)


def test_matrix_has_no_stale_entries(app):
    endpoints = {(rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods}
    stale = [key for key in MATRIX if key not in endpoints]
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"
