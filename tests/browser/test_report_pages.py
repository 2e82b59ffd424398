"""The portfolio, a contract's progress chart, the council overview and the policy page, with axe on every page."""
from datetime import date, timedelta

from app.extensions import db
from app.models import Contract, User
from tests import factories_ledger as fl


def _world(app, make):
    """A council with a contract manager and an admin, two contracts (one well behind) and confirmed deliveries."""
    w = fl.ledger_world(app, make, need_quantity="500", commitment_quantity="400")
    admin = make.get(User, make.council_user("admin", organisation_id=w.council))
    behind = fl.contract(app, w.council, w.supplier, w.manager, reference="WCC-BEHIND")
    with app.app_context():
        row = db.session.get(Contract, behind)
        row.starts_on = date.today() - timedelta(days=300)
        db.session.commit()
    fl.commitment(app, behind, w.measure, "50")
    for quantity in ("12", "7.5"):
        fl.confirmed_entry(app, w.need, w.commitment, w.supplier_user, w.vcse_user, quantity)
    return w, admin, make.get(User, w.manager)


def test_a_contract_manager_reads_the_portfolio_a_contract_and_the_overview(app, make, site):
    w, _admin, manager = _world(app, make)
    site.sign_in(manager.email)
    site.visit("/contracts/")
    page = site.page
    assert page.get_by_text("How the RAG status is worked out").is_visible()
    page.get_by_label("RAG status").select_option("red")
    site.follow(page.get_by_role("button", name="Apply"))
    assert page.get_by_role("link", name="WCC-BEHIND").is_visible()
    assert page.get_by_text("1 contract:").is_visible()
    site.visit("/contracts/?sort=reference")
    site.follow(page.locator("table").get_by_role("link").first)
    assert page.locator("svg.app-chart__svg title").text_content().startswith("Confirmed value by month")
    assert page.get_by_role("table", name="Confirmed value by month").is_visible()
    site.follow(page.get_by_role("link", name="Reports"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Council overview")
    page.get_by_label("Financial year").select_option(index=1)
    site.follow(page.get_by_role("button", name="Show"))
    assert "The financial year" in page.get_by_role("heading", level=1).inner_text()
    site.finish(at_least=5)


def test_an_admin_sets_the_policy_and_meets_a_message_by_the_field(app, make, site):
    _w, admin, _manager = _world(app, make)
    site.sign_in(admin.email)
    site.visit("/admin/policy")
    page = site.page
    page.get_by_label("Expected social value as a percentage of contract value (optional)").fill("101")
    site.follow(page.get_by_role("button", name="Save policy"), status=422)
    assert page.locator(".govuk-error-message").first.inner_text().endswith("Percentage must be 100 or less")
    page.get_by_label("Expected social value as a percentage of contract value (optional)").fill("12.5")
    page.get_by_label("Contract value above which social value is expected, in pounds").fill("50,000")
    site.follow(page.get_by_role("button", name="Save policy"))
    assert page.get_by_text("The social value policy has been saved.").is_visible()
    assert page.get_by_text("at least 12.5% of the contract value").is_visible()
    site.finish(at_least=4)
