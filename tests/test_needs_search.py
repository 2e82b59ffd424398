"""Browsing and searching open needs: words, filters, sort, pages, bad input, and bounded queries."""
import itertools
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Area, Measure, MeasureCategory, Need, NeedCategory, NeedStatus, Organisation, OrganisationKind, OrganisationStatus,
    Theme, User, utcnow,
)
from app.services import needs
from tests.test_needs_pages import speed_up_app  # noqa: F401  (an autouse fixture)

TITLE_RE = re.compile(r'<h2 class="govuk-heading-s[^"]*"><a class="govuk-link" href="/needs/\d+">([^<]*)</a></h2>')


@pytest.fixture
def world(make):
    """Reference data in two of everything, a VCSE member and a moderator to publish through the real services."""
    org = make.organisation(kind="vcse", name="Riverside Trust")
    return SimpleNamespace(
        areas=[make.area("Northgate"), make.area("Southbrook")],
        themes=[make.theme("Reduce inequality"), make.theme("Tackle climate change")],
        volunteers=make.measure(categories=("volunteers",)), space=make.measure(categories=("space",)),
        org=org, member=make.user(org), moderator=make.council_user("moderator"),
    )


def publish(ctx, world, *, title, summary="A short summary.", description="Some words.", category="volunteers",
            area=0, theme=0, needed_in_days=30, status="open") -> int:
    """Post a need through the services (so its search words are built as in real use) and take it to a status."""
    with ctx():
        member, moderator = db.session.get(User, world.member), db.session.get(User, world.moderator)
        need = needs.create_need(member, needs.NeedInput(
            title=title, summary=summary, description=description, category=NeedCategory(category),
            measure_id=world.space if category == "space" else world.volunteers, quantity=Decimal("5"),
            area_id=world.areas[area], needed_by=date.today() + timedelta(days=needed_in_days), contact="01234 567890",
            theme_ids=[world.themes[theme]]))
        if status != "draft":
            needs.submit_need(need.id, member)
        if status == "open":
            needs.approve_need(need.id, moderator)
        return need.id


def titles(client, url: str) -> list[str]:
    """The need titles a list page shows, in order."""
    response = client.get(url)
    assert response.status_code == 200, url
    return [unescape(t) for t in TITLE_RE.findall(response.get_data(as_text=True))]


def test_word_search_matches_title_summary_and_description_of_open_needs_only(client, ctx, world):
    publish(ctx, world, title="Minibus driver wanted", summary="Trips for older people.")
    publish(ctx, world, title="Meeting room", summary="A room for our carers' group.", category="space")
    publish(ctx, world, title="Garden help", description="Weeding the **allotment** beds each spring.")
    publish(ctx, world, title="Minibus draft", status="draft")
    publish(ctx, world, title="Minibus pending", status="pending_review")

    assert titles(client, "/needs?q=minibus") == ["Minibus driver wanted"]
    assert titles(client, "/needs?q=carers") == ["Meeting room"]
    assert titles(client, "/needs?q=allotment") == ["Garden help"]
    assert titles(client, "/needs?q=MINIBUS") == ["Minibus driver wanted"]
    assert titles(client, "/needs?q=submarine") == []
    assert sorted(titles(client, "/needs")) == ["Garden help", "Meeting room", "Minibus driver wanted"]


def test_newest_first_means_most_recently_published_not_first_drafted(client, ctx, world):
    drafted_first = publish(ctx, world, title="Drafted long ago", status="pending_review")
    publish(ctx, world, title="Published yesterday")
    with ctx():
        needs.approve_need(drafted_first, db.session.get(User, world.moderator))

    assert titles(client, "/needs") == ["Drafted long ago", "Published yesterday"]


def test_search_follows_an_edit(client, ctx, world):
    need_id = publish(ctx, world, title="Tractor driver", status="draft")
    with ctx():
        member, moderator = db.session.get(User, world.member), db.session.get(User, world.moderator)
        needs.update_need(need_id, member, needs.NeedInput(
            title="Combine harvester driver", summary="Harvest help.", description="In *August*.",
            category=NeedCategory.VOLUNTEERS, measure_id=world.volunteers, quantity=Decimal("5"), area_id=world.areas[0],
            needed_by=date.today() + timedelta(days=30), contact="01234 567890", theme_ids=[world.themes[0]]))
        needs.submit_need(need_id, member)
        needs.approve_need(need_id, moderator)

    assert titles(client, "/needs?q=harvester") == ["Combine harvester driver"]
    assert titles(client, "/needs?q=august") == ["Combine harvester driver"]
    assert titles(client, "/needs?q=tractor") == []


def test_more_words_narrow_the_search(client, ctx, world):
    publish(ctx, world, title="Kitchen volunteers", summary="Cooking lunches on Tuesdays.")
    publish(ctx, world, title="Kitchen equipment", summary="A fridge for the hall.")

    assert sorted(titles(client, "/needs?q=kitchen")) == ["Kitchen equipment", "Kitchen volunteers"]
    assert titles(client, "/needs?q=kitchen+lunches") == ["Kitchen volunteers"]
    assert titles(client, "/needs?q=kitchen+fridge") == ["Kitchen equipment"]
    assert titles(client, "/needs?q=fridge+lunches") == []


def test_filters_by_category_area_theme_and_measure_alone_and_together(client, ctx, world):
    publish(ctx, world, title="North volunteers", area=0, theme=0)
    publish(ctx, world, title="South volunteers", area=1, theme=1)
    publish(ctx, world, title="North room", category="space", area=0, theme=1)
    north, south = world.areas
    inequality, climate = world.themes

    assert sorted(titles(client, "/needs?category=volunteers")) == ["North volunteers", "South volunteers"]
    assert titles(client, "/needs?category=space") == ["North room"]
    assert sorted(titles(client, f"/needs?area={north}")) == ["North room", "North volunteers"]
    assert sorted(titles(client, f"/needs?theme={climate}")) == ["North room", "South volunteers"]
    assert titles(client, f"/needs?measure={world.space}") == ["North room"]
    assert titles(client, f"/needs?category=volunteers&area={north}") == ["North volunteers"]
    assert titles(client, f"/needs?area={north}&theme={climate}") == ["North room"]
    assert titles(client, f"/needs?category=volunteers&theme={inequality}&measure={world.volunteers}&area={south}") == []
    assert titles(client, f"/needs?q=volunteers&area={south}") == ["South volunteers"]


def test_sort_newest_first_or_needed_soonest(client, ctx, world):
    publish(ctx, world, title="Posted first, due last", needed_in_days=90)
    publish(ctx, world, title="Posted second, due first", needed_in_days=10)
    publish(ctx, world, title="Posted third, due second", needed_in_days=40)

    newest = ["Posted third, due second", "Posted second, due first", "Posted first, due last"]
    soonest = ["Posted second, due first", "Posted third, due second", "Posted first, due last"]
    assert titles(client, "/needs") == newest
    assert titles(client, "/needs?sort=newest") == newest
    assert titles(client, "/needs?sort=needed_by") == soonest
    assert titles(client, "/needs?sort=nonsense") == newest


def test_pages_of_25_with_links_that_keep_the_search_and_filters(client, make, world):
    for n in range(30):
        make.need(world.org, title=f"Minibus trip {n:02}", measure_id=world.volunteers, area_id=world.areas[0],
                  theme_ids=[world.themes[0]], needed_by=date.today() + timedelta(days=10 + n))
    make.need(world.org, title="Minibus for space", category="space", measure_id=world.space, area_id=world.areas[0],
              theme_ids=[world.themes[0]])
    url = f"/needs?q=minibus&category=volunteers&area={world.areas[0]}&sort=needed_by"

    page = client.get(url).get_data(as_text=True)
    first = titles(client, url)

    assert "<strong>30</strong> open needs match your search" in page
    assert first == [f"Minibus trip {n:02}" for n in range(25)]
    next_link = unescape(re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"', page).group(1))
    args = parse_qs(urlsplit(next_link).query)
    assert args == {"page": ["2"], "q": ["minibus"], "category": ["volunteers"], "area": [str(world.areas[0])],
                    "sort": ["needed_by"]}
    assert titles(client, next_link) == [f"Minibus trip {n:02}" for n in range(25, 30)]
    assert 'aria-current="page">2<' in client.get(next_link).get_data(as_text=True)


def test_a_page_past_the_end_redirects_to_the_last_page_keeping_the_search_and_filters(client, make, world):
    for n in range(30):
        make.need(world.org, title=f"Minibus trip {n:02}", measure_id=world.volunteers, area_id=world.areas[0],
                  theme_ids=[world.themes[0]], needed_by=date.today() + timedelta(days=10 + n))

    response = client.get(f"/needs?q=minibus&area={world.areas[0]}&sort=needed_by&page=99")

    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/needs"
    assert parse_qs(target.query) == {"page": ["2"], "q": ["minibus"], "area": [str(world.areas[0])],
                                      "sort": ["needed_by"]}
    last = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>30</strong> open needs match your search" in last
    assert 'aria-current="page">2<' in last
    assert titles(client, response.headers["Location"]) == [f"Minibus trip {n:02}" for n in range(25, 30)]
    # With nothing to show on any page there is no last page to go to: the page says so.
    empty = client.get("/needs?q=nothingmatchesthis&page=99")
    assert empty.status_code == 200
    assert "No open needs match" in empty.get_data(as_text=True)
    assert len(titles(client, "/needs?page=2")) == 5   # the real last page is shown, not redirected
    assert client.get("/needs?page=3").status_code == 302


def test_result_count_says_how_many_needs_are_open_or_match(client, make, world):
    assert "<strong>0</strong> open needs" in client.get("/needs").get_data(as_text=True)
    make.need(world.org, title="Lonely minibus", measure_id=world.volunteers, area_id=world.areas[0],
              theme_ids=[world.themes[0]])
    assert "<strong>1</strong> open need<" in client.get("/needs").get_data(as_text=True)
    page = client.get("/needs?q=minibus").get_data(as_text=True)
    assert "<strong>1</strong> open need matches your search" in page
    assert "No open needs match" in client.get("/needs?q=nothing+like+this").get_data(as_text=True)


GARBAGE = [
    "%22%27%3B--", "AND OR NOT *", "%22", "%27", "*", "-", "NEAR(a b)", "a:b", "title:foo", "^foo", "foo*",
    "(((", "a & b | !c", "<->", "'; DROP TABLE needs; --", "%00", "\\", "ÄÖÜ straße", "日本語 検索", "émoji 🚐",
    "%F0%9F%9A%90", "x" * 500, "NOT", "\"unclosed", "{}[]", "%25",
    # A NUL reaches PostgreSQL's websearch_to_tsquery, and psycopg refuses it: it was a 500 there.
    "minibus%00driver", "%00minibus",
]


@pytest.mark.parametrize("q", GARBAGE, ids=range(len(GARBAGE)))
def test_any_search_text_gives_a_page_not_an_error(client, make, world, q):
    make.need(world.org, title="Minibus driver", measure_id=world.volunteers, area_id=world.areas[0],
              theme_ids=[world.themes[0]])

    response = client.get(f"/needs?q={q}")

    assert response.status_code == 200
    assert "open need" in response.get_data(as_text=True)


def test_unicode_words_are_searchable(client, ctx, world):
    publish(ctx, world, title="Café volunteers", summary="Serving at the café in Düsseldorf Road.")

    assert titles(client, "/needs?q=café") == ["Café volunteers"]
    assert titles(client, "/needs?q=Düsseldorf") == ["Café volunteers"]


@pytest.mark.parametrize("query", [
    "area=abc", "category=nope", "theme=x", "measure=1.5", "sort=%27", "page=-3", "page=0", "page=abc",
    "area=999999", "area=-1&theme=-1&measure=-1",
])
def test_bad_filter_values_are_ignored_or_give_an_empty_page_never_an_error(client, make, world, query):
    make.need(world.org, title="Minibus driver", measure_id=world.volunteers, area_id=world.areas[0],
              theme_ids=[world.themes[0]])

    shown = titles(client, f"/needs?{query}")

    if query in ("area=999999", "area=-1&theme=-1&measure=-1"):
        assert shown == []
    else:
        assert shown == ["Minibus driver"]


# -- the number of queries does not grow with the number of rows ----------------------------------------------

def add_needs(ctx, count: int, status: str, org_id: int | None = None) -> None:
    """Needs each with its own organisation (unless given), area, two themes and measure, so a lazy load per row would
    show; written in one transaction to keep the test quick."""
    with ctx():
        author = db.session.scalars(select(User.id)).first()   # who wrote them does not show on a list
        for _ in range(count):
            n = next(_serial)
            organisation = db.session.get(Organisation, org_id) if org_id else Organisation(
                name=f"Bulk org {n}", kind=OrganisationKind.VCSE, status=OrganisationStatus.APPROVED)
            measure = Measure(code=f"BULK-{n}", name=f"Bulk measure {n}", unit="hour",
                              category_rows=[MeasureCategory(category=NeedCategory.VOLUNTEERS)])
            db.session.add(Need(
                organisation=organisation, created_by_id=author, title=f"Bulk need {n}", summary="A need.",
                search_text=f"Bulk need {n} A need.", category=NeedCategory.VOLUNTEERS, measure=measure,
                quantity=Decimal("3"), area=Area(name=f"Bulk area {n}"), needed_by=date.today() + timedelta(days=n % 50 + 1),
                contact="01234 567890", status=NeedStatus(status), submitted_at=utcnow(),
                opened_at=utcnow() if status == "open" else None,
                themes=[Theme(name=f"Bulk theme {n}a"), Theme(name=f"Bulk theme {n}b")]))
        db.session.commit()


_serial = itertools.count(1)


@pytest.mark.parametrize(("page", "status", "who"), [
    ("/needs", "open", None),
    ("/needs?q=need&area=&sort=needed_by", "open", None),
    ("/vcse/needs", "draft", "vcse"),
    ("/moderation/needs", "pending_review", "moderator"),
])
def test_list_page_query_count_does_not_grow_with_the_number_of_needs(client, login, make, ctx, count_queries, page,
                                                                     status, who):
    own_org = make.organisation(kind="vcse")
    member = make.user(own_org)
    if who:
        login(member if who == "vcse" else make.council_user("moderator"))
    org = own_org if who == "vcse" else None

    def queries() -> int:
        client.get(page)   # warm up anything cached per process
        with count_queries() as counter:
            response = client.get(page)
        assert response.status_code == 200
        assert "Bulk need" in response.get_data(as_text=True)
        return counter["n"]

    add_needs(ctx, 5, status, org)
    few = queries()
    add_needs(ctx, 45, status, org)
    many = queries()

    assert few == many


def test_a_search_stops_counting_past_the_cap_and_says_more_than(client, make, world, monkeypatch):
    monkeypatch.setattr("app.queries.needs.SEARCH_COUNT_CAP", 26)
    for n in range(30):
        make.need(world.org, title=f"Minibus trip {n:02}", measure_id=world.volunteers, area_id=world.areas[0],
                  theme_ids=[world.themes[0]], needed_by=date.today() + timedelta(days=10 + n))

    capped = client.get("/needs?q=minibus&sort=needed_by").get_data(as_text=True)
    second = titles(client, "/needs?q=minibus&sort=needed_by&page=2")
    unsearched = client.get("/needs").get_data(as_text=True)
    narrowed = client.get("/needs?q=minibus+trip+01").get_data(as_text=True)

    assert "More than <strong>26</strong> open needs match your search. Add words or filters to narrow it." in capped
    assert 'rel="next"' in capped                       # the rows past the first page can still be reached
    assert second == [f"Minibus trip {n}" for n in range(25, 30)]    # the rows past the cap are still shown
    assert "<strong>30</strong> open needs" in unsearched     # the list without a search counts every row
    assert "<strong>1</strong> open need matches your search" in narrowed
