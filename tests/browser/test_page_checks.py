"""The checks axe cannot make catch what they are for, and let through what WCAG allows.

Each test plants markup in a real page (through the DevTools protocol, which the page's CSP does not govern)
and runs the check on it: target sizes (WCAG 2.5.8) and focus stops (2.4.7, 2.4.11).
"""
import pytest

from tests.browser.keyboard import Keyboard
from tests.browser.page_checks import TARGET_SIZE_PROBLEMS

PLANT = """html => {
  const box = document.createElement('div');
  box.id = 'planted';
  box.innerHTML = html;
  document.getElementById('main-content').prepend(box);
}"""


def styled(page, selector: str, **styles) -> None:
    """Set inline styles that beat the stylesheet, on each element a selector matches."""
    page.evaluate("""([selector, styles]) => document.querySelectorAll(selector).forEach(el => {
        for (const [name, value] of Object.entries(styles)) el.style.setProperty(name, value, 'important');
    })""", [selector, {name.replace("_", "-"): value for name, value in styles.items()}])


def test_target_size_check_fails_small_crowded_targets_and_allows_links_in_sentences_and_spaced_ones(site):
    site.visit("/accessibility")
    page = site.page
    page.evaluate(PLANT, """
      <p class="govuk-body">Read <a class="govuk-link" href="#a">this</a> first.</p>
      <p><a id="alone" href="#b">x</a></p>
      <p><button id="one">a</button><button id="two">b</button></p>""")
    styled(page, "#planted a, #planted button", font_size="10px", line_height="12px", padding="0", margin="0",
           border="0")
    styled(page, "#planted p", margin="40px 0")

    problems = page.evaluate(TARGET_SIZE_PROBLEMS)

    assert len(problems) == 2, problems
    assert problems[0].startswith('button "a" is') and 'closer than 12px to button "b"' in problems[0]
    assert problems[1].startswith('button "b" is')


@pytest.mark.parametrize("fault, message", [
    ({"outline": "none", "box-shadow": "none", "background-color": "white"}, "shows no focus indicator"),
    ({"outline": "3px solid transparent", "box-shadow": "none", "background-color": "white"},
     "shows no focus indicator"),
], ids=["no-outline", "transparent-outline"])
def test_keyboard_fails_a_focus_stop_without_a_visible_indicator(site, fault, message):
    site.visit("/sign-in")
    page = site.page
    styled(page, "#email", **{name.replace("-", "_"): value for name, value in fault.items()})

    with pytest.raises(AssertionError, match=message):
        Keyboard(site).focus(page.get_by_label("Email address"))


def test_keyboard_fails_a_focus_stop_hidden_under_fixed_content(site):
    site.visit("/sign-in")
    page = site.page
    page.evaluate(PLANT, '<div id="cover">A fixed banner</div>')
    box = page.get_by_label("Email address").bounding_box()
    styled(page, "#cover", position="fixed", left="0", right="0", top=f"{box['y'] - 10}px",
           height=f"{box['height'] + 20}px", background="white", z_index="10")

    with pytest.raises(AssertionError, match='is covered by div#cover "A fixed banner"'):
        Keyboard(site).focus(page.get_by_label("Email address"))


def test_keyboard_reaches_controls_with_visible_focus_on_the_sign_in_page(site):
    site.visit("/sign-in")
    keys = Keyboard(site)

    keys.focus(site.page.get_by_role("link", name="Accessibility statement"))

    assert keys.stops >= 8
    site.finish(at_least=1)
