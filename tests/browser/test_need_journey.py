"""A need from first draft to the public list, through the real pages, with axe on every page.

A VCSE member writes a need (meeting the error summary on the way), saves it as a draft and submits it; a
moderator approves it from the review queue; a visitor finds it by searching and filtering, and opens it.
The need pages are also checked at 320px wide.
"""
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from app.models import Measure, User
from tests.browser.conftest import DESKTOP, NARROW

widths = pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280px", "320px"])
NEEDED_BY = date.today() + timedelta(days=60)
TITLE = "Volunteers to sort the winter coat appeal"
DESCRIPTION = ("We collect **donated coats** for families in the town every November.\n\n"
               "- Sorting by size\n- Packing bags for collection\n\n"
               "It means *every child* who asks gets a warm coat.")


@pytest.fixture
def world(make):
    """An approved VCSE with a member, a moderator, and the areas, themes and measures a need is written with."""
    riverside, hilltop = make.area("Riverside"), make.area("Hilltop")
    themes = [make.theme("Reduce inequality"), make.theme("Healthier lives")]
    measure = make.measure(categories=("volunteers",), unit="hour")
    make.measure(categories=("space",), unit="day")
    vcse = make.organisation(kind="vcse", name="Riverside Food Bank", area_ids=[riverside])
    return SimpleNamespace(
        riverside=riverside, hilltop=hilltop, themes=themes, measure=make.get(Measure, measure), vcse=vcse,
        member=make.get(User, make.user(vcse)), moderator=make.get(User, make.council_user("moderator")))


def main_menu(page):
    """The service's main navigation."""
    return page.get_by_role("navigation", name="Main menu")


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    """Type a date into the Day, Month and Year boxes of the date input with this legend."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day", exact=True).fill(day)
    group.get_by_label("Month", exact=True).fill(month)
    group.get_by_label("Year", exact=True).fill(year)


def summary_value(page, key: str) -> str:
    """The value next to a key in the page's summary list."""
    key_cell = page.locator("dt", has_text=re.compile(f"^{re.escape(key)}$"))
    return page.locator(".govuk-summary-list__row").filter(has=key_cell).locator("dd").inner_text()


def measure_label(measure) -> str:
    """How the need form offers a measure."""
    return f"{measure.name} ({measure.unit}) – for volunteers"


def test_vcse_posts_a_need_a_moderator_approves_it_and_a_visitor_finds_it(site, make, world):
    make.need(world.vcse, title="Meeting room for the carers' group", area_id=world.hilltop,
              measure_id=world.measure.id, theme_ids=world.themes[:1])
    page = site.page

    # A VCSE member writes the need, with an impossible date and no summary the first time.
    site.sign_in(world.member.email)
    site.follow(main_menu(page).get_by_role("link", name="Your needs"))
    assert page.get_by_role("link", name="Meeting room for the carers' group").is_visible()
    site.follow(page.get_by_role("button", name="Post a new need"))
    assert page.get_by_role("heading", level=1).inner_text() == "Post a need"
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Description", exact=True).fill(DESCRIPTION)
    page.get_by_role("group", name="What kind of help do you need?").get_by_label("Volunteers", exact=True).check()
    page.get_by_label("How should it be counted?").select_option(label=measure_label(world.measure))
    page.get_by_label("How much do you need?").fill("40")
    page.get_by_label("Area", exact=True).select_option(label="Riverside")
    themes = page.get_by_role("group", name="Priority themes")
    themes.get_by_label("Reduce inequality").check()
    themes.get_by_label("Healthier lives").check()
    fill_date(page, "Needed by", "31", "2", str(NEEDED_BY.year + 1))
    page.get_by_label("How should a supplier get in touch?").fill("Ask for Sam on 01234 567890")
    site.follow(page.get_by_role("button", name="Save as draft"), status=422)

    assert page.title().startswith("Error: Post a need")
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    assert summary.get_by_role("link", name="Enter a short summary").get_attribute("href") == "#summary"
    date_error = summary.get_by_role("link", name="The date it is needed by must be a real date, like 27 3 2027")
    assert date_error.get_attribute("href") == "#needed_by-day"
    date_error.click()
    assert page.evaluate("() => document.activeElement.id") == "needed_by-day"
    # What was typed is still there.
    assert page.get_by_label("Title", exact=True).input_value() == TITLE
    assert page.get_by_label("Description", exact=True).input_value() == DESCRIPTION
    assert page.get_by_label("How much do you need?").input_value() == "40"
    assert page.get_by_role("group", name="Priority themes").get_by_label("Healthier lives").is_checked()

    page.get_by_label("Short summary").fill("Help sort and pack donated winter coats on Saturdays.")
    fill_date(page, "Needed by", str(NEEDED_BY.day), str(NEEDED_BY.month), str(NEEDED_BY.year))
    site.follow(page.get_by_role("button", name="Save as draft"))
    assert page.get_by_text("Your need has been saved as a draft.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert page.locator(".govuk-tag").first.inner_text() == "Draft"

    site.follow(page.get_by_role("button", name="Submit for review"))
    assert page.get_by_text("Your need has been sent to a moderator for review.").is_visible()
    assert page.locator(".govuk-tag").first.inner_text() == "Waiting for review"
    need_id = int(site.path().rsplit("/", 1)[1])
    site.sign_out()

    # A visitor cannot see it yet.
    site.visit(f"/needs/{need_id}", status=404)

    # A moderator approves it from the queue.
    site.sign_in(world.moderator.email)
    site.follow(main_menu(page).get_by_role("link", name="Moderation"))
    site.follow(page.get_by_role("link", name="Needs waiting for review (1)"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    assert [cell.strip() for cell in row.get_by_role("cell").all_inner_texts()][:3] == \
        [TITLE, "Riverside Food Bank", "Riverside"]
    site.follow(page.get_by_role("link", name=TITLE))
    assert page.get_by_text("Ask for Sam on 01234 567890").is_visible()
    assert page.locator(".app-rich-text strong").inner_text() == "donated coats"
    site.follow(page.get_by_role("button", name="Approve and publish"))
    assert page.get_by_text("The need is published. Its organisation has been emailed.").is_visible()
    assert page.get_by_text("There are no needs waiting for review.").is_visible()
    site.sign_out()

    # A visitor finds it by a word from its title, then by a filter.
    site.visit("/")
    site.follow(main_menu(page).get_by_role("link", name="Needs"))
    assert page.get_by_role("status").inner_text() == "2 open needs"
    search = page.get_by_role("search", name="Search and filter needs")
    search.get_by_label("Search").fill("coat")
    site.follow(search.get_by_role("button", name="Apply"))
    assert page.get_by_role("status").inner_text() == "1 open need matches your search"
    assert page.get_by_role("link", name=TITLE).is_visible()
    assert page.get_by_role("link", name="Meeting room for the carers' group").count() == 0

    site.follow(page.get_by_role("link", name="Clear filters"))
    search.get_by_label("Area").select_option(label="Riverside")
    search.get_by_label("Kind of help").select_option(label="Volunteers")
    site.follow(search.get_by_role("button", name="Apply"))
    assert page.get_by_role("status").inner_text() == "1 open need matches your search"
    result = page.locator(".app-need-list__item")
    assert result.count() == 1
    assert "Riverside Food Bank · Riverside" in result.inner_text()
    assert "Help sort and pack donated winter coats on Saturdays." in result.inner_text()
    assert f"Volunteers: 40 hours · needed by {NEEDED_BY.day} {NEEDED_BY:%B %Y}" in result.inner_text()

    site.follow(page.get_by_role("link", name=TITLE))
    assert site.path() == f"/needs/{need_id}"
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    for key, value in [("Organisation", "Riverside Food Bank"), ("Kind of help", "Volunteers"),
                       ("Wanted", "40 hours"), ("Area", "Riverside"),
                       ("Priority themes", "Healthier lives, Reduce inequality"),
                       ("Needed by", f"{NEEDED_BY.day} {NEEDED_BY:%B %Y}")]:
        assert summary_value(page, key) == value, key
    assert page.locator(".app-rich-text li").all_inner_texts() == ["Sorting by size", "Packing bags for collection"]
    assert page.locator(".app-rich-text em").inner_text() == "every child"
    # The contact details are for signed-in suppliers, not the public.
    assert page.get_by_text("Ask for Sam on 01234 567890").count() == 0
    assert page.get_by_text("as a supplier to see how to get in touch and to pledge.").is_visible()
    site.finish(at_least=20)


@widths
def test_public_need_pages_are_accessible(site, make, world):
    long_title = "A hall for the Hilltop Men's Shed and Community Garden's annual open day"
    for title, area in [("Volunteers to sort the winter coat appeal", world.riverside), (long_title, world.hilltop)]:
        make.need(world.vcse, title=title, measure_id=world.measure.id, area_id=area, theme_ids=world.themes,
                  description="<p>We need <strong>help</strong>.</p><ul><li>Saturdays</li></ul>")
    page = site.page

    site.visit("/needs")
    assert page.get_by_role("status").inner_text() == "2 open needs"
    site.visit(f"/needs?q=coat&area={world.riverside}")
    assert page.get_by_role("status").inner_text() == "1 open need matches your search"
    site.visit("/needs?q=nothingmatchesthis")
    assert page.get_by_text("No open needs match.").is_visible()
    site.visit("/needs")
    site.follow(page.get_by_role("link", name=long_title))
    assert page.get_by_role("heading", level=1).inner_text() == long_title
    assert page.locator(".app-rich-text strong").inner_text() == "help"
    site.finish(at_least=5)


@widths
def test_need_form_and_your_needs_are_accessible(site, make, world):
    make.need(world.vcse, status="draft", title="Volunteers to sort the winter coat appeal",
              measure_id=world.measure.id, area_id=world.riverside, theme_ids=world.themes)
    page = site.page

    site.sign_in(world.member.email)
    site.visit("/vcse/needs")
    assert page.get_by_role("link", name="Volunteers to sort the winter coat appeal").is_visible()
    site.follow(page.get_by_role("button", name="Post a new need"))
    assert page.get_by_role("heading", level=1).inner_text() == "Post a need"
    site.follow(page.get_by_role("button", name="Save and submit for review"), status=422)
    summary = page.locator(".govuk-error-summary")
    for message in ["Enter a title", "Enter a short summary", "Enter a description",
                    "Select what kind of help you need", "Select how it should be counted",
                    "Enter how much you need", "Select the area the need is in", "Select at least one priority theme",
                    "Enter the date it is needed by", "Enter how a supplier should get in touch"]:
        assert summary.get_by_role("link", name=message).is_visible(), message
    site.visit("/vcse/needs")
    site.follow(page.get_by_role("link", name="Volunteers to sort the winter coat appeal"))
    assert page.get_by_role("button", name="Submit for review").is_visible()
    site.follow(page.get_by_role("button", name="Edit"))
    assert page.get_by_role("heading", level=1).inner_text() == "Edit your need"
    site.finish(at_least=7)


@widths
def test_need_moderation_pages_are_accessible(site, make, world):
    titles = ["Volunteers to sort the winter coat appeal",
              "A hall for the Hilltop Men's Shed and Community Garden's annual open day"]
    for title in titles:
        make.need(world.vcse, status="pending_review", title=title, measure_id=world.measure.id,
                  area_id=world.riverside, theme_ids=world.themes)
    page = site.page

    site.sign_in(world.moderator.email)
    site.visit("/moderation/needs")
    assert page.get_by_text("2 waiting, oldest first.").is_visible()
    site.follow(page.get_by_role("link", name=titles[1]))
    assert page.get_by_role("button", name="Approve and publish").is_visible()
    assert page.get_by_role("button", name="Request changes").is_visible()
    # Rejecting without a reason shows the error next to the field.
    site.follow(page.get_by_role("button", name="Reject need"), status=422)
    assert page.locator(".govuk-error-summary").get_by_role("link").count() >= 1
    site.finish(at_least=4)


@widths
def test_a_moderator_hides_an_open_need_from_its_public_page(site, make, world):
    title = "Volunteers to sort the winter coat appeal"
    need_id = make.need(world.vcse, title=title, measure_id=world.measure.id, area_id=world.riverside,
                        theme_ids=world.themes)
    page = site.page

    site.sign_in(world.moderator.email)
    site.visit(f"/needs/{need_id}")
    site.follow(page.get_by_role("link", name="Moderate this need"))
    assert site.path() == f"/moderation/needs/{need_id}"
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.get_by_role("heading", name="Hide this need").is_visible()
    assert page.get_by_role("button", name="Approve and publish").count() == 0

    # Hiding needs a reason: the error is in the summary and next to the box.
    site.follow(page.get_by_role("button", name="Hide need"), status=422)
    error = page.locator(".govuk-error-summary").get_by_role("link", name="Enter the reason for hiding the need")
    assert error.get_attribute("href") == "#hide-reason"
    page.get_by_label("Reason for hiding").fill("A duplicate of another need from the same group.")
    site.follow(page.get_by_role("button", name="Hide need"))
    assert page.get_by_text("The need is hidden. The organisation has been emailed the reason.").is_visible()
    assert site.path() == "/moderation/needs"
    site.sign_out()

    # The public can no longer see it.
    site.visit(f"/needs/{need_id}", status=404)
    site.finish(at_least=8)
