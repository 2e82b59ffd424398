"""Key pages pass axe (WCAG 2.2 AA rules) on desktop and at 320px wide, and work from the keyboard.

`site.check()` also fails any page that scrolls sideways, so the 320px runs cover reflow (WCAG 1.4.10).
"""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, OutboxMessage, User
from tests.browser.conftest import DESKTOP, NARROW

widths = pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280px", "320px"])


@widths
def test_public_pages_are_accessible(site):
    for path in ["/", "/sign-in", "/register", "/forgotten-password", "/accessibility"]:
        site.visit(path)
    site.visit("/no-such-page", status=404)
    assert site.page.get_by_role("heading", level=1).inner_text() == "Page not found"
    site.finish(at_least=6)


@widths
def test_waiting_page_is_accessible(site, make):
    organisation = make.organisation(status="pending", area_ids=[make.area()])
    user = make.get(User, make.user(organisation, verified=False))

    site.sign_in(user.email)
    assert site.path() == "/account/waiting"
    assert site.page.get_by_text("Not confirmed yet").is_visible()
    site.finish(at_least=2)


@widths
def test_moderation_pages_are_accessible(site, make):
    area = make.area("Riverside")
    for name, verified in [("Riverside Food Bank", True), ("Hilltop Men's Shed and Community Garden", False)]:
        make.user(make.organisation(status="pending", name=name, area_ids=[area]), verified=verified)
    moderator = make.get(User, make.council_user("moderator"))

    site.sign_in(moderator.email)
    site.visit("/moderation/")
    site.visit("/moderation/organisations")
    assert site.page.get_by_text("2 organisations are waiting").is_visible()
    site.follow(site.page.get_by_role("link", name="Hilltop Men's Shed and Community Garden"))
    assert site.page.get_by_role("button", name="Approve organisation").is_visible()
    site.finish(at_least=5)


def test_skip_link_is_first_in_tab_order_and_moves_focus_to_main_content(site):
    site.visit("/sign-in")
    page = site.page
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to main content"
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    site.finish(at_least=1)


def emailed_link(app, to: str, template: str, base_url: str, path_part: str) -> str:
    """The single-use link in the newest email of a template queued to an address."""
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.body_text).where(
            OutboxMessage.to_email == to, OutboxMessage.template == template).order_by(OutboxMessage.id)).all()
        db.session.remove()
    assert bodies, f"no {template} email to {to}"
    match = re.search(re.escape(base_url) + re.escape(path_part) + r"\S+", bodies[-1])
    assert match, f"no {path_part} link in:\n{bodies[-1]}"
    return match.group(0)


@widths
def test_admin_pages_are_accessible(site, make):
    council = make.organisation(kind="buyer", name="Wyvern County Council")
    admin = make.get(User, make.user(council, roles=["admin"], email="admin@wyvern.example.gov.uk"))
    moderator = make.user(council, roles=["moderator"])
    area, theme = make.area("Riverside"), make.theme("Climate and environment")
    measure = make.measure(code="VOL-HOURS", categories=("volunteers", "advice"))
    page = site.page

    site.sign_in(admin.email)
    for path in ["/admin/", "/admin/users", f"/admin/users/{moderator}/roles", "/admin/users/invite",
                 "/admin/areas", "/admin/areas/new", f"/admin/areas/{area}/rename",
                 "/admin/themes", "/admin/themes/new", f"/admin/themes/{theme}/edit",
                 "/admin/measures", f"/admin/measures/{measure}", "/admin/measures/new",
                 f"/admin/measures/{measure}/edit", "/admin/measures/import"]:
        site.visit(path)
    # A CSV whose first row is wrong: the problems (with a long made-up column name) must still fit the page.
    site.visit("/admin/measures/import")
    page.get_by_label("Upload a CSV file").set_input_files(files=[{
        "name": "measures.csv", "mimeType": "text/csv",
        "buffer": b"code,name,a_very_long_column_name_that_nobody_expects_in_this_file_at_all\nX,Y,Z\n"}])
    site.follow(page.get_by_role("button", name="Import measures"), status=422)
    assert page.locator(".govuk-error-summary").get_by_text("is not one we know").is_visible()
    # A form with its errors, then a real change so the audit log has something to show.
    site.visit("/admin/areas/new")
    site.follow(page.get_by_role("button", name="Save area"), status=422)
    page.get_by_label("Area name").fill("Hilltop")
    site.follow(page.get_by_role("button", name="Save area"))
    site.visit("/admin/audit")
    assert page.get_by_text("area.created").first.is_visible()
    site.finish(at_least=23)


@widths
def test_account_pages_are_accessible(site, make):
    member = make.get(User, make.user(make.organisation(name="Riverside Food Bank", area_ids=[make.area()])))
    make.user(member.organisation_id, org_admin=False)

    site.sign_in(member.email)
    for path in ["/account/", "/account/password", "/account/team", "/account/team/invite"]:
        site.visit(path)
    site.follow(site.page.get_by_role("button", name="Send invitation"), status=422)
    site.finish(at_least=6)


@widths
def test_pages_reached_from_emailed_links_are_accessible(site, app, make, live_server):
    member = make.get(User, make.user(make.organisation(name="Riverside Food Bank", area_ids=[make.area()])))
    page = site.page

    # The reset page, from a real reset link.
    site.visit("/forgotten-password")
    page.get_by_label("Email address").fill(member.email)
    site.follow(page.get_by_role("button", name="Send reset link"))
    site.visit(emailed_link(app, member.email, "reset_password", live_server.url, "/reset-password/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    site.follow(page.get_by_role("button", name="Save password"), status=422)

    # The invitation page, from a real invitation.
    site.sign_in(member.email)
    site.visit("/account/team/invite")
    page.get_by_label("Full name").fill("Jo Colleague")
    page.get_by_label("Email address").fill("jo@riverside.example.org")
    site.follow(page.get_by_role("button", name="Send invitation"))
    site.sign_out()
    site.visit(emailed_link(app, "jo@riverside.example.org", "invite", live_server.url, "/invitation/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Join Riverside Food Bank"

    # A link that cannot be used.
    site.visit("/verify-email/not-a-real-token", status=410)
    assert page.get_by_role("heading", level=1).inner_text() == "This link cannot be used"
    site.finish(at_least=10)


@widths
def test_waiting_page_of_a_rejected_organisation_is_accessible(site, app, make):
    organisation = make.organisation(status="rejected", name="Hilltop Men's Shed and Community Garden",
                                     area_ids=[make.area()])
    with app.app_context():
        db.session.get(Organisation, organisation).decision_reason = (
            "We could not find this group in the Charity Commission register. Send us your constitution.")
        db.session.commit()
        db.session.remove()
    user = make.get(User, make.user(organisation))

    site.sign_in(user.email)
    assert site.path() == "/account/waiting"
    assert site.page.get_by_role("heading", level=1).inner_text() == \
        "Hilltop Men's Shed and Community Garden was not approved"
    assert site.page.get_by_text("Charity Commission register").is_visible()
    site.finish(at_least=2)
