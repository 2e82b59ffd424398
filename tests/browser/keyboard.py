"""Drive the live site with the keyboard alone, checking every place focus stops on the way.

`Keyboard(site)` moves focus with Tab and Shift+Tab (the arrow keys within a radio group, as a browser does),
presses Enter and Space, and types. At every focus stop it fails unless focus is visible (WCAG 2.4.7) and
not hidden under other content (2.4.11); see `FOCUS_STOP` in page_checks.py. Pages it loads go through
`Site.press`, so axe and the other page checks run on each of them.
"""
import pytest

from tests.browser.page_checks import FOCUS_STOP
from tests.factories import PASSWORD

MAX_PRESSES = 120  # more than any page here needs to reach any control: a control missing from the tab order


class Keyboard:
    """A person who uses only the keyboard, on a `Site`."""

    def __init__(self, site):
        self.site = site
        self.page = site.page
        self.stops = 0

    def focus(self, locator) -> None:
        """Tab, or Shift+Tab if it lies behind, until `locator` has focus; check every stop on the way."""
        target = locator.element_handle()
        stop = self.page.evaluate(FOCUS_STOP, target)  # where focus starts: the page, or where it was put
        for _ in range(MAX_PRESSES):
            if stop["onTarget"]:
                return
            if stop["sameRadios"]:  # Tab skips the rest of a radio group: its arrow keys move within it
                key = "ArrowUp" if stop["targetBefore"] else "ArrowDown"
            else:
                key = "Shift+Tab" if stop["targetBefore"] else "Tab"
            self.page.keyboard.press(key)
            stop = self.page.evaluate(FOCUS_STOP, target)
            self._check(stop)
        pytest.fail(f"{self.site.path()}: {MAX_PRESSES} key presses did not reach {locator}", pytrace=False)

    def _check(self, stop: dict) -> None:
        """Fail if the focused element shows no focus indicator or cannot be seen."""
        if not stop["onPage"]:
            return  # focus went to the browser's own controls, past the end of the page
        self.stops += 1
        assert not stop["problems"], \
            f"{self.site.path()}: focus on {stop['focused']} " + "; ".join(stop["problems"])

    def type(self, locator, text: str) -> None:
        """Move to a text field and type into it."""
        self.focus(locator)
        self.page.keyboard.type(text)

    def choose(self, locator) -> None:
        """Select a radio button or tick a checkbox with Space (a radio reached by arrow key is already chosen)."""
        self.focus(locator)
        if not locator.is_checked():
            self.page.keyboard.press("Space")
        assert locator.is_checked(), f"{self.site.path()}: Space did not select {locator}"

    def select(self, locator, option: str) -> None:
        """Choose an option in a select by typing the start of its text."""
        self.focus(locator)
        self.page.keyboard.type(option)
        chosen = locator.evaluate("select => select.selectedOptions[0].textContent.trim()")
        assert chosen.startswith(option), f"{self.site.path()}: typing {option!r} chose {chosen!r}"

    def date(self, group, when) -> None:
        """Type a date into the Day, Month and Year boxes of a GOV.UK date input."""
        for label, value in (("Day", when.day), ("Month", when.month), ("Year", when.year)):
            self.type(group.get_by_label(label, exact=True), str(value))

    def activate(self, locator, status: int = 200):
        """Move to a link or button and press Enter; the page it loads is checked."""
        self.focus(locator)
        return self.site.press("Enter", status=status)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """From any page: the header's Sign in link, then the sign-in form."""
        page = self.page
        self.activate(page.get_by_role("banner").get_by_role("link", name="Sign in", exact=True))
        self.type(page.get_by_label("Email address"), email)
        self.type(page.get_by_label("Password", exact=True), password)
        self.activate(page.get_by_role("main").get_by_role("button", name="Sign in"))

    def sign_out(self) -> None:
        """The header's Sign out button."""
        self.activate(self.page.get_by_role("banner").get_by_role("button", name="Sign out"))
        assert self.page.get_by_text("You have signed out.").is_visible()
