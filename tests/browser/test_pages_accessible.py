"""Key pages pass axe (WCAG 2.2 AA rules) on desktop and at 320px wide, and work from the keyboard.

`site.check()` also fails any page that scrolls sideways, so the 320px runs cover reflow (WCAG 1.4.10).
"""
import pytest

from app.models import User
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
