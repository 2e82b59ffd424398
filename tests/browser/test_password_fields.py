"""Password fields work with paste and password managers (WCAG 3.3.8 Accessible Authentication).

Every password field says what it holds (`current-password` or `new-password`), nothing on the page blocks
paste, and a password pasted with the keyboard shortcut is the one that signs in, registers, resets, changes
and accepts an invitation.
"""
import pytest

from app.models import User
from tests.browser.test_pages_accessible import emailed_link

REGISTERED = "pasted from a manager: 7f#Lq2!vX9"
RESET = "a reset password, pasted: 4kT!x8$wQ1"
CHANGED = "changed again by pasting: 9zB@r5^mN3"
INVITED = "an invited colleague pastes: 2hJ&c6*pW0"


@pytest.fixture
def paste(site):
    """Paste text into a field as a password manager or a person would: the clipboard, then Ctrl+V."""
    site.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base_url)

    def into(field, text: str, autocomplete: str) -> None:
        assert field.get_attribute("type") == "password"
        assert field.get_attribute("autocomplete") == autocomplete
        assert field.evaluate("f => !f.readOnly && !f.hasAttribute('onpaste')"), "the field refuses input"
        site.page.evaluate("text => navigator.clipboard.writeText(text)", text)
        field.focus()
        site.page.keyboard.press("ControlOrMeta+V")
        assert field.input_value() == text, "pasting into the password field did not fill it"
    return into


def sign_in_by_pasting(site, paste, email: str, password: str) -> None:
    """Sign in with the password pasted."""
    site.visit("/sign-in")
    site.page.get_by_label("Email address").fill(email)
    paste(site.page.get_by_label("Password", exact=True), password, "current-password")
    site.follow(site.page.get_by_role("button", name="Sign in"))


def test_every_password_field_takes_a_pasted_password(site, app, make, live_server, paste):
    make.area("Riverside")
    member = make.get(User, make.user(make.organisation(name="Riverside Food Bank", area_ids=[make.area()])))
    page = site.page

    # Register, then sign in, with pasted passwords.
    site.visit("/register")
    page.get_by_label("A charity, community group or social enterprise (VCSE)").check()
    page.get_by_label("Organisation name").fill("Hilltop Men's Shed")
    page.get_by_label("Riverside").check()
    page.get_by_label("Your full name").fill("Sam Hill")
    page.get_by_label("Your email address").fill("sam@hilltop.example.org")
    paste(page.get_by_label("Create a password"), REGISTERED, "new-password")
    site.follow(page.get_by_role("button", name="Register"))
    assert site.path() == "/account/waiting"
    site.sign_out()
    sign_in_by_pasting(site, paste, "sam@hilltop.example.org", REGISTERED)
    assert site.path() == "/account/waiting"
    site.sign_out()

    # Reset a forgotten password from the emailed link.
    site.visit("/forgotten-password")
    page.get_by_label("Email address").fill(member.email)
    site.follow(page.get_by_role("button", name="Send reset link"))
    site.visit(emailed_link(app, member.email, "reset_password", live_server.url, "/reset-password/"))
    paste(page.get_by_label("New password"), RESET, "new-password")
    site.follow(page.get_by_role("button", name="Save password"))
    assert page.get_by_text("Your password has been changed.").is_visible()

    # Change it while signed in.
    sign_in_by_pasting(site, paste, member.email, RESET)
    site.visit("/account/password")
    paste(page.get_by_label("Current password"), RESET, "current-password")
    paste(page.get_by_label("New password"), CHANGED, "new-password")
    site.follow(page.get_by_role("button", name="Change password"))
    assert page.get_by_text("Your password has been changed.").is_visible()
    site.sign_out()
    sign_in_by_pasting(site, paste, member.email, CHANGED)
    assert site.path() == "/home"

    # Invite a colleague, who accepts by pasting a password, and signs in with it.
    site.visit("/account/team/invite")
    page.get_by_label("Full name").fill("Jo Colleague")
    page.get_by_label("Email address").fill("jo@riverside.example.org")
    site.follow(page.get_by_role("button", name="Send invitation"))
    site.sign_out()
    site.visit(emailed_link(app, "jo@riverside.example.org", "invite", live_server.url, "/invitation/"))
    paste(page.get_by_label("New password"), INVITED, "new-password")
    site.follow(page.get_by_role("button", name="Save password"))
    assert page.get_by_text("Welcome. You have joined Riverside Food Bank.").is_visible()
    site.sign_out()
    sign_in_by_pasting(site, paste, "jo@riverside.example.org", INVITED)
    assert site.path() == "/home"
    site.finish(at_least=20)
