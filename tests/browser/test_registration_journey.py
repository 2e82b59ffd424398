"""Registration to first real sign-in, through the real pages, with axe on every page."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage, User

NEW_PASSWORD = "lantern orchard pebble violin"


def verification_link(app, email: str, base_url: str) -> str:
    """The link in the verification email queued for an address."""
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.body_text).where(
            OutboxMessage.to_email == email, OutboxMessage.template == "verify_email")).all()
        db.session.remove()
    assert len(bodies) == 1, f"expected one verification email to {email}, found {len(bodies)}"
    match = re.search(re.escape(base_url) + r"/verify-email/\S+", bodies[0])
    assert match, f"no verification link to {base_url} in:\n{bodies[0]}"
    return match.group(0)


def test_new_organisation_registers_confirms_email_is_approved_and_signs_in(site, app, make, live_server):
    make.area("Riverside")
    make.area("Hilltop")
    moderator = make.get(User, make.council_user("moderator"))
    page = site.page

    site.visit("/register")
    page.get_by_label("A charity, community group or social enterprise (VCSE)").check()
    page.get_by_label("Organisation name").fill("Riverside Food Bank")
    page.get_by_label("Riverside").check()
    page.get_by_label("Your full name").fill("Sam Rivers")
    page.get_by_label("Your email address").fill("sam@riverside.example.org")
    page.get_by_label("Create a password").fill(NEW_PASSWORD)
    site.follow(page.get_by_role("button", name="Register"))
    assert site.path() == "/account/waiting"
    assert page.get_by_role("heading", level=1).inner_text() == "Waiting for approval"

    site.visit(verification_link(app, "sam@riverside.example.org", live_server.url))
    assert site.path() == "/account/waiting"
    assert page.get_by_text("Thank you. Your email address is confirmed.").is_visible()
    site.sign_out()

    site.sign_in(moderator.email)
    site.follow(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Moderation"))
    site.follow(page.get_by_role("link", name="Organisations waiting for approval (1)"))
    site.follow(page.get_by_role("link", name="Riverside Food Bank"))
    assert page.get_by_text("Sam Rivers, sam@riverside.example.org").is_visible()
    site.follow(page.get_by_role("button", name="Approve organisation"))
    assert page.get_by_text("Riverside Food Bank is approved.").is_visible()
    assert page.get_by_text("There is nothing waiting.").is_visible()
    site.sign_out()

    site.sign_in("sam@riverside.example.org", NEW_PASSWORD)
    assert site.path() == "/home"
    assert page.get_by_role("heading", level=1).inner_text() == "Your tasks"
    assert page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Your organisation").is_visible()
    site.finish(at_least=13)


def test_empty_registration_shows_a_focused_error_summary_linking_to_each_field(site, make):
    make.area("Riverside")
    page = site.page

    site.visit("/register")
    site.follow(page.get_by_role("button", name="Register"), status=422)
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    assert page.evaluate("() => !!document.activeElement.closest('.govuk-error-summary')"), \
        "the error summary should take focus when the page loads"

    links = summary.get_by_role("link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert {"#kind", "#organisation_name", "#areas", "#name", "#email", "#password"} <= set(hrefs)
    for href in hrefs:
        assert page.locator(href).count() == 1, f"error summary link {href} has no target"
    summary.get_by_role("link", name="Enter your organisation's name").click()
    assert page.evaluate("() => document.activeElement.id") == "organisation_name"
    assert page.locator("#organisation_name-error").inner_text().endswith("Enter your organisation's name")
    site.finish(at_least=2)
