"""Rich text as people write it: lists straight after a line, single line breaks, and what the allow-list keeps."""
import pytest

from app.sanitise import render_rich_text


@pytest.mark.parametrize(("typed", "html"), [
    ("We need:\n- chairs\n- tables", "<p>We need:</p>\n<ul>\n<li>chairs</li>\n<li>tables</li>\n</ul>"),
    ("We need:\n* chairs\n+ tables", "<p>We need:</p>\n<ul>\n<li>chairs</li>\n<li>tables</li>\n</ul>"),
    ("Steps:\n1. Book\n2. Come", "<p>Steps:</p>\n<ol>\n<li>Book</li>\n<li>Come</li>\n</ol>"),
    ("We need:\n\n- chairs\n- tables", "<p>We need:</p>\n<ul>\n<li>chairs</li>\n<li>tables</li>\n</ul>"),
    ("Intro\n- a\n- b\n\nAfter", "<p>Intro</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>After</p>"),
    ("- a\n  more about a\n- b", "<ul>\n<li>a<br>\n  more about a</li>\n<li>b</li>\n</ul>"),
])
def test_a_list_may_start_straight_after_a_line_of_text(typed, html):
    assert render_rich_text(typed) == html


def test_a_single_line_break_is_kept_and_a_blank_line_starts_a_paragraph():
    assert render_rich_text("Sam Smith\n01234 567890\n\nCall any weekday") == \
        "<p>Sam Smith<br>\n01234 567890</p>\n<p>Call any weekday</p>"


@pytest.mark.parametrize("typed", [
    "We grew a lot in\n2024. It was a good year",        # a number other than 1 does not start a list mid-paragraph
    "Tickets cost\n-5 pounds off for members",          # no space after the dash
    "Read *this*\n*carefully*",                         # emphasis, not a bullet
])
def test_text_that_only_looks_like_a_list_stays_a_paragraph(typed):
    html = render_rich_text(typed)
    assert html.startswith("<p>") and "<li>" not in html and "<br>" in html


def test_a_numbered_list_and_a_bulleted_list_stay_apart():
    # Without sane_lists, Python-Markdown folds the bullet into the numbered list.
    assert render_rich_text("1. a\n2. b\n\n- c") == "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n<ul>\n<li>c</li>\n</ul>"
