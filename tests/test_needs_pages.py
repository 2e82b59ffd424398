"""The need pages: the form and its errors, every move through the pages, ownership and who sees what."""
import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from jinja2 import BytecodeCache
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.formatting import one_line
from app.web.templating import NEED_NEXT_STEPS
from app.models import AuditEvent, Need, NeedStatus, OutboxMessage, User, utcnow
from tests import factories_contracts as fc
from tests import factories_ledger as fl
from tests.conftest import csrf_token

class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory for the whole run: each test's fresh app would otherwise recompile them all."""

    def __init__(self):
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket):
        self.codes[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


@pytest.fixture(autouse=True)
def speed_up_app(app):
    """Share compiled templates between apps (the needs tests render many pages; compiling is most of their time).

    Also let SQLite skip its fsync on each commit: these tests commit thousands of times, and waiting for the disk
    was most of the rest (durability after a power cut is not what they test)."""
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA synchronous = OFF"))
        engine.dispose()   # pooled connections reopen with the setting


FUTURE = date.today() + timedelta(days=60)
BUTTONS = {"save_draft": ("save_draft", "Save as draft"), "submit_review": ("submit_review", "Save and submit for review")}


@pytest.fixture
def world(make):
    """A VCSE with a member, another VCSE, a supplier, a moderator and reference data."""
    area, other_area = make.area("Northgate"), make.area("Southbrook")
    org = make.organisation(kind="vcse", name="Northgate Food Bank")
    other_org = make.organisation(kind="vcse", name="Southbrook Scouts")
    return SimpleNamespace(
        area=area, other_area=other_area, themes=[make.theme("Reduce inequality"), make.theme("Healthier lives")],
        measure=make.measure(categories=("volunteers",)), space_measure=make.measure(categories=("space",)),
        org=org, member=make.user(org), other_org=other_org, outsider=make.user(other_org),
        supplier=make.user(kind="supplier"), moderator=make.council_user("moderator"),
    )


def fields(world, **changes) -> dict:
    """What a member types into the need form, as the browser posts it."""
    values = {
        "title": "Volunteers for Saturday sorting", "summary": "Help sort food donations.",
        "description": "We need **four** people & a van.\n\n- Saturdays\n- 10am to 2pm <b>sharp</b>",
        "category": "volunteers", "measure_id": str(world.measure), "quantity": "40", "area_id": str(world.other_area),
        "theme_ids": [str(t) for t in world.themes],
        "needed_by": [str(FUTURE.day), str(FUTURE.month), str(FUTURE.year)],
        "contact": "Sam: sam@foodbank.example\n01234 567890",
    }
    values.update(changes)
    return values


def post_need(client, url: str, values: dict, button: str = "save_draft", page: str = "/vcse/needs/new"):
    """POST the need form as a browser would, repeated fields and all."""
    items = [("csrf_token", csrf_token(client, page))]
    for name, value in values.items():
        items += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    items.append(BUTTONS[button])
    return client.post(url, data=MultiDict(items))


def post_button(client, url: str, page: str, **data):
    """POST a one-click or moderation form with a CSRF token from a page the user can see."""
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


class FormState(HTMLParser):
    """What a rendered form shows: input values, textarea text, the selected options and checked boxes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.inputs, self.textareas, self.selected, self.checked = {}, {}, {}, {}
        self._textarea = self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            if "checked" in attrs:
                self.checked.setdefault(attrs["name"], []).append(attrs["value"])
        elif tag == "input":
            self.inputs[attrs.get("id")] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.textareas[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.selected[self._select] = attrs.get("value")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.textareas[self._textarea] += data


def assert_keeps_what_was_typed(html: str, values: dict) -> None:
    """Every value the person typed is back in the re-rendered form."""
    form = FormState(html)
    # One-line fields come back on one line, without surrounding spaces (see app/forms_common.single_line).
    assert form.inputs["title"] == one_line(values["title"])
    assert form.inputs["summary"] == one_line(values["summary"])
    assert form.inputs["quantity"] == values["quantity"]
    # A browser drops one leading newline inside <textarea>, so the text round-trips exactly.
    assert form.textareas["description"].removeprefix("\n") == values["description"]
    assert form.textareas["contact"].removeprefix("\n") == values["contact"]
    assert form.checked.get("category") == [values["category"]]
    assert form.selected.get("measure_id") == values["measure_id"]
    assert form.selected.get("area_id") == values["area_id"]
    assert sorted(form.checked.get("theme_ids", [])) == sorted(values["theme_ids"])
    assert [form.inputs["needed_by-day"], form.inputs["needed_by-month"], form.inputs["needed_by-year"]] == values["needed_by"]


def assert_field_error(html: str, field_id: str, message: str) -> None:
    """The error is in the summary, linked to the field (a date to its Day box), and next to the field itself."""
    start = html.index('class="govuk-error-summary"')
    summary = html[start:html.index("</ul>", start)]
    target = f"{field_id}-day" if field_id == "needed_by" else field_id
    assert f'href="#{target}"' in summary
    assert f'id="{target}"' in html
    assert message in summary
    error = html.index(f'id="{field_id}-error" class="govuk-error-message"')
    assert message in html[error:error + 400]


def need_count(ctx) -> int:
    """How many needs are saved."""
    with ctx():
        return len(db.session.scalars(select(Need.id)).all())


def emails(ctx) -> list[tuple[str, str]]:
    """(to, text) for each queued email."""
    with ctx():
        return [(m.to_email, m.body_text) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def need_in(world, make, status: str, org=None, **kwargs) -> int:
    """A need in a status, with the world's reference data."""
    return make.need(org or world.org, status=status, measure_id=world.measure, area_id=world.area,
                     theme_ids=world.themes[:1], **kwargs)


# -- the form ------------------------------------------------------------------------------------------------

PAST = date.today() - timedelta(days=1)
FORM_ERRORS = [
    ("empty title", {"title": ""}, "title", "Enter a title"),
    ("title of spaces", {"title": "   "}, "title", "Enter a title"),
    ("description of spaces", {"description": " \n "}, "description", "Enter a description"),
    ("title too long", {"title": "x" * 121}, "title", "Title must be 120 characters or fewer"),
    ("zero quantity", {"quantity": "0"}, "quantity", "Quantity must be more than 0"),
    ("negative quantity", {"quantity": "-1"}, "quantity", "Quantity must be more than 0"),
    ("words for quantity", {"quantity": "abc"}, "quantity", "Quantity must be a number"),
    ("three decimal places", {"quantity": "1.234"}, "quantity", "no more than 2 decimal places"),
    ("comma as a decimal point", {"quantity": "1,5"}, "quantity", "Quantity must be a number, like 10 or 2.5"),
    ("comma not between thousands", {"quantity": "10,00"}, "quantity", "Quantity must be a number, like 10 or 2.5"),
    ("an exponent", {"quantity": "1e3"}, "quantity", "Quantity must be a number, like 10 or 2.5"),
    ("underscores", {"quantity": "1_000"}, "quantity", "Quantity must be a number, like 10 or 2.5"),
    ("Arabic-Indic digits", {"quantity": "\u0661\u0662"}, "quantity", "Quantity must be a number, like 10 or 2.5"),
    ("full-width digits", {"quantity": "\uff11\uff12"}, "quantity", "Quantity must be a number, like 10 or 2.5"),
    ("not a number", {"quantity": "NaN"}, "quantity", "Quantity must be a number, like 10 or 2.5"),
    ("date in the past", {"needed_by": [str(PAST.day), str(PAST.month), str(PAST.year)]}, "needed_by",
     "must be in the future"),
    ("not a real date", {"needed_by": ["31", "2", "2027"]}, "needed_by", "must be a real date"),
    ("measure for another kind of help", {"measure_id": "space"}, "measure_id", "Select a measure that counts volunteers"),
    ("no themes", {"theme_ids": []}, "theme_ids", "Select at least one priority theme"),
]


@pytest.mark.parametrize(("case", "changes", "field_id", "message"), FORM_ERRORS, ids=[c[0] for c in FORM_ERRORS])
def test_form_error_shows_next_to_the_field_and_in_the_summary_and_keeps_what_was_typed(
        client, login, world, ctx, case, changes, field_id, message):
    login(world.member)
    if changes.get("measure_id") == "space":
        changes = {"measure_id": str(world.space_measure)}
    values = fields(world, **changes)

    response = post_need(client, "/vcse/needs/new", values)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert_field_error(html, field_id, message)
    assert_keeps_what_was_typed(html, values)
    assert need_count(ctx) == 0


def test_save_as_draft_creates_a_draft_with_an_exact_quantity(client, login, world, make, ctx):
    login(world.member)

    response = post_need(client, "/vcse/needs/new", fields(world, quantity="2.5"), "save_draft")

    assert response.status_code == 303
    need_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    saved = make.get(Need, need_id)
    assert saved.status.value == "draft"
    assert saved.organisation_id == world.org and saved.created_by_id == world.member
    assert isinstance(saved.quantity, Decimal) and saved.quantity == Decimal("2.50") and str(saved.quantity) == "2.50"
    assert saved.needed_by == FUTURE and saved.area_id == world.other_area
    assert "<strong>four</strong>" in saved.description_html and "&amp;" in saved.description_html
    page = client.get(f"/vcse/needs/{need_id}").get_data(as_text=True)
    assert "Your need has been saved as a draft." in page
    assert "Volunteers for Saturday sorting" in page


def test_nul_characters_are_dropped_rather_than_failing_on_postgresql(client, login, world, make):
    login(world.member)

    response = post_need(client, "/vcse/needs/new", fields(world, title="Van\x00 driver", description="Tu\x00esdays",
                                                           summary="\x00A van", contact="01234\x00 567890"))

    assert response.status_code == 303
    saved = make.get(Need, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (saved.title, saved.summary, saved.contact) == ("Van driver", "A van", "01234 567890")
    assert saved.description_source == "Tuesdays"


def test_save_and_submit_creates_a_need_waiting_for_review(client, login, world, make):
    login(world.member)

    response = post_need(client, "/vcse/needs/new", fields(world), "submit_review")

    assert response.status_code == 303
    need_id = int(response.headers["Location"].rsplit("/", 1)[1])
    saved = make.get(Need, need_id)
    assert saved.status.value == "pending_review" and saved.submitted_at is not None
    assert "sent to a moderator for review" in client.get(f"/vcse/needs/{need_id}").get_data(as_text=True)


def test_edit_form_shows_the_saved_need_and_a_changes_requested_need_can_be_resubmitted(client, login, world, make):
    need_id = need_in(world, make, "changes_requested", title="Old title")
    login(world.member)

    form = FormState(client.get(f"/vcse/needs/{need_id}/edit").get_data(as_text=True))
    assert form.inputs["title"] == "Old title" and form.inputs["quantity"] == "10"
    assert form.selected["measure_id"] == str(world.measure)

    response = post_need(client, f"/vcse/needs/{need_id}/edit", fields(world, title="New title"), "submit_review",
                         page=f"/vcse/needs/{need_id}/edit")

    assert response.status_code == 303
    saved = make.get(Need, need_id)
    assert (saved.status.value, saved.title) == ("pending_review", "New title")


def test_edit_with_an_error_re_renders_and_keeps_the_saved_need(client, login, world, make, ctx):
    need_id = need_in(world, make, "draft", title="Old title")
    login(world.member)
    values = fields(world, title="New title", quantity="abc")

    response = post_need(client, f"/vcse/needs/{need_id}/edit", values, page=f"/vcse/needs/{need_id}/edit")

    assert response.status_code == 422
    assert_keeps_what_was_typed(response.get_data(as_text=True), values)
    assert make.get(Need, need_id).title == "Old title"


def test_every_field_error_shows_at_once_including_the_measure_and_the_date(client, login, world, ctx):
    login(world.member)
    values = fields(world, title="", summary="x" * 301, quantity="1,5", measure_id=str(world.space_measure),
                    needed_by=[str(PAST.day), str(PAST.month), str(PAST.year)], theme_ids=[], contact="")

    response = post_need(client, "/vcse/needs/new", values)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field_id, message in [
        ("title", "Enter a title"), ("summary", "Summary must be 300 characters or fewer"),
        ("measure_id", "Select a measure that counts volunteers"),
        ("quantity", "Quantity must be a number, like 10 or 2.5"), ("theme_ids", "Select at least one priority theme"),
        ("needed_by", "The date it is needed by must be in the future"),
        ("contact", "Enter how a supplier should get in touch"),
    ]:
        assert_field_error(html, field_id, message)
    assert_keeps_what_was_typed(html, values)
    assert need_count(ctx) == 0


def test_a_needed_by_date_of_today_is_not_in_the_future(client, login, world, ctx):
    login(world.member)
    today = date.today()

    response = post_need(client, "/vcse/needs/new",
                         fields(world, needed_by=[str(today.day), str(today.month), str(today.year)]))

    assert response.status_code == 422
    assert_field_error(response.get_data(as_text=True), "needed_by", "The date it is needed by must be in the future")
    assert need_count(ctx) == 0


@pytest.mark.parametrize(("field_id", "value", "message"), [
    ("area_id", "999999", "Select an area from the list"),
    ("area_id", "north", "Select an area from the list"),
    ("measure_id", "999999", "Select a measure from the list"),
    ("measure_id", "abc", "Select a measure from the list"),
    ("theme_ids", ["999999"], "Select priority themes from the list"),
    ("theme_ids", ["abc"], "Select priority themes from the list"),
    ("category", "bogus", "Select what kind of help you need from the list"),
])
def test_a_stale_or_tampered_choice_gets_a_plain_english_message(client, login, world, ctx, field_id, value, message):
    login(world.member)

    response = post_need(client, "/vcse/needs/new", fields(world, **{field_id: value}))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Not a valid choice" not in html and "could not coerce" not in html and "not a valid choice" not in html
    assert_field_error(html, field_id, message)
    assert need_count(ctx) == 0


def test_a_quantity_with_thousands_separators_is_read_exactly(client, login, world, make):
    login(world.member)

    response = post_need(client, "/vcse/needs/new", fields(world, quantity=" 1,250.5 "))

    assert response.status_code == 303
    saved = make.get(Need, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert saved.quantity == Decimal("1250.50")


def test_line_breaks_in_the_title_and_summary_are_joined_and_never_reach_an_email_subject(client, login, world, make,
                                                                                        outbox):
    login(world.member)

    response = post_need(client, "/vcse/needs/new",
                         fields(world, title="Van and\r\ndriver\nBcc: x@example.org", summary="Saturdays\r\n\r\nonly"),
                         "submit_review")

    assert response.status_code == 303
    need_id = int(response.headers["Location"].rsplit("/", 1)[1])
    saved = make.get(Need, need_id)
    assert (saved.title, saved.summary) == ("Van and driver Bcc: x@example.org", "Saturdays only")
    login(world.moderator)
    review = f"/moderation/needs/{need_id}"
    assert post_button(client, f"{review}/approve", review).status_code == 303
    subjects = [subject for _, subject, _ in outbox()]
    assert subjects and all("\r" not in subject and "\n" not in subject for subject in subjects)
    assert "Your need is published: Van and driver Bcc: x@example.org" in subjects


# -- moves through the VCSE pages ----------------------------------------------------------------------------

@pytest.mark.parametrize(("action", "start", "end", "flash"), [
    ("submit", "draft", "pending_review", "sent to a moderator for review"),
    ("submit", "changes_requested", "pending_review", "sent to a moderator for review"),
    ("withdraw", "draft", "withdrawn", "has been withdrawn"),
    ("withdraw", "pending_review", "withdrawn", "has been withdrawn"),
    ("withdraw", "changes_requested", "withdrawn", "has been withdrawn"),
    ("withdraw", "open", "withdrawn", "has been withdrawn"),
    ("close", "open", "closed", "has been closed"),
])
def test_member_moves_a_need_from_its_page(client, login, world, make, action, start, end, flash):
    need_id = need_in(world, make, start)
    login(world.member)

    response = post_button(client, f"/vcse/needs/{need_id}/{action}", f"/vcse/needs/{need_id}")

    assert response.status_code == 303 and response.headers["Location"].endswith(f"/vcse/needs/{need_id}")
    assert make.get(Need, need_id).status.value == end
    assert flash in client.get(f"/vcse/needs/{need_id}").get_data(as_text=True)


@pytest.mark.parametrize(("action", "start", "message"), [
    ("submit", "rejected", "You cannot submit a need that is rejected."),
    ("submit", "open", "You cannot submit a need that is open."),
    ("close", "draft", "You cannot close a need that is draft."),
    ("close", "pending_review", "You cannot close a need that is waiting for review."),
    ("withdraw", "closed", "You cannot withdraw a need that is closed."),
    ("withdraw", "rejected", "You cannot withdraw a need that is rejected."),
])
def test_refused_member_move_shows_the_message_and_changes_nothing(client, login, world, make, ctx, action, start,
                                                                    message):
    need_id = need_in(world, make, start)
    login(world.member)

    response = post_button(client, f"/vcse/needs/{need_id}/{action}", f"/vcse/needs/{need_id}")

    assert response.status_code == 303
    assert message in client.get(f"/vcse/needs/{need_id}").get_data(as_text=True)
    assert make.get(Need, need_id).status.value == start
    with ctx():
        assert db.session.scalars(select(AuditEvent.id).where(AuditEvent.object_id == need_id)).all() == []


@pytest.mark.parametrize("status", ["open", "pending_review", "rejected", "closed"])
def test_a_need_that_is_not_a_draft_or_sent_back_cannot_be_edited(client, login, world, make, status):
    need_id = need_in(world, make, status, title="Original title")
    login(world.member)

    shown = client.get(f"/vcse/needs/{need_id}/edit")
    posted = post_need(client, f"/vcse/needs/{need_id}/edit", fields(world, title="Changed"), "submit_review",
                       page=f"/vcse/needs/{need_id}")

    for response in (shown, posted):
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/vcse/needs/{need_id}")
    assert "You cannot edit a need that is" in client.get(f"/vcse/needs/{need_id}").get_data(as_text=True)
    saved = make.get(Need, need_id)
    assert (saved.status.value, saved.title) == (status, "Original title")


def test_another_organisations_need_is_404_on_every_vcse_page_and_nothing_changes(client, login, world, make, ctx):
    draft = need_in(world, make, "draft", title="Original title")
    open_need = need_in(world, make, "open", title="Original open")
    login(world.outsider)

    assert client.get(f"/vcse/needs/{draft}").status_code == 404
    assert client.get(f"/vcse/needs/{draft}/edit").status_code == 404
    assert post_need(client, f"/vcse/needs/{draft}/edit", fields(world, title="Hijacked")).status_code == 404
    for action, need_id in (("submit", draft), ("withdraw", draft), ("withdraw", open_need), ("close", open_need)):
        assert post_button(client, f"/vcse/needs/{need_id}/{action}", "/vcse/needs/new").status_code == 404, action

    assert (make.get(Need, draft).status.value, make.get(Need, draft).title) == ("draft", "Original title")
    assert make.get(Need, open_need).status.value == "open"
    with ctx():
        assert db.session.scalars(select(AuditEvent.id)).all() == []
    listing = client.get("/vcse/needs").get_data(as_text=True)
    assert "Original title" not in listing and "Original open" not in listing


def test_a_supplier_cannot_post_a_need(client, login, world, ctx):
    login(world.supplier)

    assert client.get("/vcse/needs/new").status_code == 403
    assert post_need(client, "/vcse/needs/new", fields(world), page="/account/password").status_code == 403
    assert need_count(ctx) == 0


def test_a_member_of_an_organisation_waiting_for_approval_is_sent_to_the_waiting_page(client, login, make, world, ctx):
    login(make.user(make.organisation(kind="vcse", status="pending")))

    for response in (client.get("/vcse/needs/new"), client.get("/vcse/needs"),
                     client.post("/vcse/needs/new", data={"csrf_token": csrf_token(client, "/account/waiting")})):
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/account/waiting")
    assert need_count(ctx) == 0


def test_your_needs_lists_only_your_organisations_needs_with_their_status(client, login, world, make):
    need_in(world, make, "draft", title="Our draft")
    need_in(world, make, "changes_requested", title="Our sent back need")
    need_in(world, make, "open", org=world.other_org, title="Their open need")
    login(world.member)

    page = client.get("/vcse/needs").get_data(as_text=True)

    assert "Our draft" in page and "Our sent back need" in page and "Changes requested" in page
    assert "Their open need" not in page
    assert "2 needs" in page


# -- moderation pages ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("decision", "start", "end", "field", "text", "audit"), [
    ("approve", "pending_review", "open", "approve-note", "Checked the measure", "need.approved"),
    ("request-changes", "pending_review", "changes_requested", "request_changes-reason", "Say which days you need",
     "need.changes_requested"),
    ("reject", "pending_review", "rejected", "reject-reason", "It names a child you support", "need.rejected"),
    ("hide", "open", "hidden", "hide-reason", "A duplicate of need 12", "need.hidden"),
])
def test_moderator_decision_changes_status_emails_the_organisation_and_is_audited(
        client, login, world, make, ctx, decision, start, end, field, text, audit):
    need_id = need_in(world, make, start, title="Food bank helpers")
    colleague = make.user(world.org)
    login(world.moderator)
    review = f"/moderation/needs/{need_id}"

    response = post_button(client, f"{review}/{decision}", review, **{field: text})

    assert response.status_code == 303 and response.headers["Location"].endswith("/moderation/needs")
    saved = make.get(Need, need_id)
    assert saved.status.value == end
    sent = emails(ctx)
    assert sorted(to for to, _ in sent) == sorted(make.get(User, u).email for u in (world.member, colleague))
    assert all("Food bank helpers" in body and text in body for _, body in sent if decision != "approve")
    with ctx():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == need_id)).one()
        assert (event.action, event.actor_id, event.reason) == (audit, world.moderator, text)
    if decision in ("request-changes", "reject", "hide"):
        login(world.member)
        assert text in client.get(f"/vcse/needs/{need_id}").get_data(as_text=True)


@pytest.mark.parametrize(("decision", "start", "field", "message"), [
    ("request-changes", "pending_review", "request_changes-reason", "Enter what the organisation needs to change"),
    ("reject", "pending_review", "reject-reason", "Enter the reason for rejecting the need"),
    ("hide", "open", "hide-reason", "Enter the reason for hiding the need"),
])
def test_decision_with_an_empty_reason_is_422_with_the_error_next_to_the_field(
        client, login, world, make, ctx, decision, start, field, message):
    need_id = need_in(world, make, start)
    login(world.moderator)
    review = f"/moderation/needs/{need_id}"

    response = post_button(client, f"{review}/{decision}", review, **{field: "   "})

    assert response.status_code == 422
    assert_field_error(response.get_data(as_text=True), field, message)
    assert make.get(Need, need_id).status.value == start
    assert emails(ctx) == []
    with ctx():
        assert db.session.scalars(select(AuditEvent.id)).all() == []


@pytest.mark.parametrize(("decision", "start", "field", "message"), [
    ("approve", "draft", "approve-note", "You cannot approve a need that is draft."),
    ("approve", "open", "approve-note", "You cannot approve a need that is open."),
    ("request-changes", "rejected", "request_changes-reason", "You cannot request changes to a need that is rejected."),
    ("reject", "open", "reject-reason", "You cannot reject a need that is open."),
    ("hide", "pending_review", "hide-reason", "You cannot hide a need that is waiting for review."),
    ("hide", "closed", "hide-reason", "You cannot hide a need that is closed."),
])
def test_refused_moderator_decision_shows_the_message_and_changes_nothing(
        client, login, world, make, ctx, decision, start, field, message):
    need_id = need_in(world, make, start)
    login(world.moderator)
    review = f"/moderation/needs/{need_id}"

    response = post_button(client, f"{review}/{decision}", review, **{field: "A reason"})

    assert response.status_code == 303 and response.headers["Location"].endswith(review)
    assert message in client.get(review).get_data(as_text=True)
    assert make.get(Need, need_id).status.value == start
    assert emails(ctx) == []


def test_deciding_on_a_missing_need_is_404(client, login, world):
    login(world.moderator)

    assert client.get("/moderation/needs/999999").status_code == 404
    assert post_button(client, "/moderation/needs/999999/approve", "/moderation/needs").status_code == 404


# -- who sees what -------------------------------------------------------------------------------------------

PRIVATE = ["draft", "pending_review", "changes_requested", "rejected", "hidden", "withdrawn"]
PUBLIC = ["open", "closed", "expired", "fulfilled"]


def test_unpublished_needs_are_404_except_to_their_organisation_and_moderators(app, client, login, world, make):
    need_ids = {status: need_in(world, make, status, title=f"The {status} need") for status in PRIVATE}
    anonymous = app.test_client()

    for status, need_id in need_ids.items():
        assert anonymous.get(f"/needs/{need_id}").status_code == 404, status
    for viewer in (world.supplier, world.outsider):
        login(viewer)
        for status, need_id in need_ids.items():
            assert client.get(f"/needs/{need_id}").status_code == 404, (viewer, status)
    for viewer in (world.member, world.moderator):
        login(viewer)
        for status, need_id in need_ids.items():
            response = client.get(f"/needs/{need_id}")
            assert response.status_code == 200, (viewer, status)
            assert f"The {status} need" in response.get_data(as_text=True)


def test_published_needs_are_public(client, world, make):
    for status in PUBLIC:
        need_id = need_in(world, make, status, title=f"The {status} need")
        response = client.get(f"/needs/{need_id}")
        assert response.status_code == 200, status
        assert f"The {status} need" in response.get_data(as_text=True)
    assert client.get("/needs/999999").status_code == 404


def test_contact_details_are_only_for_approved_suppliers_moderators_and_the_needs_own_organisation(
        app, client, login, world, make):
    open_need = need_in(world, make, "open")
    closed_need = need_in(world, make, "closed")
    contact = "Call 01234 567890"   # what the factory saves

    anonymous = app.test_client().get(f"/needs/{open_need}").get_data(as_text=True)
    assert contact not in anonymous and "Sign in" in anonymous
    for viewer in (make.user(make.organisation(kind="supplier", status="pending")), world.outsider,
                   make.council_user("contract_manager"), make.council_user("admin")):
        login(viewer)
        assert contact not in client.get(f"/needs/{open_need}").get_data(as_text=True), viewer
    for viewer in (world.supplier, world.moderator, world.member):
        login(viewer)
        assert contact in client.get(f"/needs/{open_need}").get_data(as_text=True), viewer
        assert contact not in client.get(f"/needs/{closed_need}").get_data(as_text=True), viewer


# -- moderators reach the review page from a need ------------------------------------------------------------

@pytest.mark.parametrize("status", ["open", "pending_review", "closed"])
def test_a_moderator_sees_a_link_from_the_public_need_page_to_its_review_page(app, client, login, world, make, status):
    need_id = need_in(world, make, status)
    link = f'<a class="govuk-link" href="/moderation/needs/{need_id}">Moderate this need</a>'

    login(world.moderator)
    assert link in client.get(f"/needs/{need_id}").get_data(as_text=True)
    review = client.get(f"/moderation/needs/{need_id}").get_data(as_text=True)
    assert ("Hide this need" in review) == (status == "open")
    for viewer in (world.member, world.supplier, make.council_user("contract_manager")):
        login(viewer)
        response = client.get(f"/needs/{need_id}")
        assert "Moderate this need" not in response.get_data(as_text=True), viewer
    if status == "open":
        assert "Moderate this need" not in app.test_client().get(f"/needs/{need_id}").get_data(as_text=True)


def test_a_moderator_cannot_approve_a_need_whose_needed_by_date_is_not_in_the_future(client, login, world, make, ctx):
    yesterday = date.today() - timedelta(days=1)
    for needed_by in (yesterday, date.today()):
        need_id = need_in(world, make, "pending_review", needed_by=needed_by)
        login(world.moderator)
        review = f"/moderation/needs/{need_id}"

        response = post_button(client, f"{review}/approve", review, **{"approve-note": "Looks fine"})

        assert response.status_code == 303 and response.headers["Location"].endswith(review)
        page = client.get(review).get_data(as_text=True)
        assert (f"This need cannot be published: it is needed by {needed_by.day} {needed_by:%B %Y}, which is not in "
                "the future. Request changes to ask the organisation for a later date.") in page
        assert make.get(Need, need_id).status.value == "pending_review"
    assert emails(ctx) == []
    with ctx():
        assert db.session.scalars(select(AuditEvent.id)).all() == []


# -- "Still needed" --------------------------------------------------------------------------------------------

def still_needed(html: str) -> str:
    """The value in a need page's "Still needed" row."""
    match = re.search(r'Still needed</dt><dd class="govuk-summary-list__value">([^<]*)</dd>', html)
    assert match, "no Still needed row"
    return match.group(1)


@pytest.fixture
def pledged(app, world, make):
    """A contract of the world's supplier with a commitment in the need's measure: pledges to any need, by status.

    A confirmed pledge is walked through the real services, so it has its ledger entry; the others are written
    directly in their status."""
    fl.ensure_pledge_links(app)
    buyer = make.organisation(kind="buyer")
    manager = make.council_user("contract_manager", organisation_id=buyer)
    supplier_org = make.get(User, world.supplier).organisation_id
    contract = fc.contract(app, supplier_org, buyer, manager)
    commitment = fc.commitment(app, contract, world.measure, "1000")

    def pledge(need_id: int, status: str, quantity: str, *, delivered: str | None = None) -> None:
        if status == "confirmed":
            fl.confirmed_entry(app, need_id, commitment, world.supplier, world.member, quantity)
        else:
            fc.pledge(app, need_id, commitment, status=status, quantity=quantity, delivered_quantity=delivered)
    return pledge


def test_still_needed_is_what_offered_accepted_delivered_and_confirmed_pledges_do_not_hold_on_every_need_page(
        app, client, login, world, make, pledged):
    need_id = need_in(world, make, "open", quantity="50")
    pledged(need_id, "confirmed", "8")                        # holds what was confirmed: 8
    pledged(need_id, "offered", "5")                          # holds 5
    pledged(need_id, "accepted", "7")                         # holds 7
    pledged(need_id, "delivered", "6", delivered="4")         # holds what was delivered: 4
    pledged(need_id, "disputed", "3")                         # holds what was delivered: 3
    for status in ("declined", "withdrawn", "cancelled"):     # hold nothing
        pledged(need_id, status, "20")

    assert still_needed(app.test_client().get(f"/needs/{need_id}").get_data(as_text=True)) == "23 hours"
    login(world.member)
    assert still_needed(client.get(f"/vcse/needs/{need_id}").get_data(as_text=True)) == "23 hours"
    login(world.moderator)
    assert still_needed(client.get(f"/moderation/needs/{need_id}").get_data(as_text=True)) == "23 hours"


def test_still_needed_is_never_below_zero(app, client, login, world, make, pledged):
    need_id = need_in(world, make, "open", quantity="10")
    pledged(need_id, "confirmed", "6")
    pledged(need_id, "accepted", "8")                         # more than was wanted, between them

    assert still_needed(app.test_client().get(f"/needs/{need_id}").get_data(as_text=True)) == "0 hours"
    login(world.member)
    assert still_needed(client.get(f"/vcse/needs/{need_id}").get_data(as_text=True)) == "0 hours"
    login(world.moderator)
    assert still_needed(client.get(f"/moderation/needs/{need_id}").get_data(as_text=True)) == "0 hours"


# -- the moderators' queue and "Your needs" --------------------------------------------------------------------

def table_rows(html: str) -> list[list[str]]:
    """The text of each body row's cells in a page's table."""
    body = html[html.index('<tbody class="govuk-table__body">'):html.index("</tbody>")]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_moderator_queue_lists_needs_waiting_for_review_oldest_submission_first_with_counts(
        client, login, world, make, ctx):
    now = utcnow()
    submitted = {"Middle need": now - timedelta(days=2), "Newest need": now - timedelta(hours=1),
                 "Oldest need": now - timedelta(days=5)}
    for title, at in submitted.items():   # created newest-submitted first, so id order is not the answer
        need_id = need_in(world, make, "pending_review", title=title)
        with ctx():
            db.session.get(Need, need_id).submitted_at = at
            db.session.commit()
    need_in(world, make, "changes_requested", title="Sent back need")
    for n in range(2):
        need_in(world, make, "open", title=f"Open need {n}")
    need_in(world, make, "draft", title="Draft need")
    login(world.moderator)

    html = client.get("/moderation/needs").get_data(as_text=True)

    assert "3 waiting, oldest first. 1 sent back for changes. 2 open." in html
    assert [row[0] for row in table_rows(html)] == ["Oldest need", "Middle need", "Newest need"]
    first = table_rows(html)[0]
    oldest = submitted["Oldest need"]
    assert first[1:] == ["Northgate Food Bank", "Northgate", f"{oldest.day} {oldest:%B %Y}"]


def test_your_needs_says_what_to_do_next_for_each_status(client, login, world, make):
    """Each status shows its own next step (the wording lives in the template helpers), next to the right need."""
    for status in NEED_NEXT_STEPS:
        need_in(world, make, status, title=f"The {status} need")
    login(world.member)

    rows = {row[0]: row for row in table_rows(client.get("/vcse/needs").get_data(as_text=True))}

    assert len(rows) == len(NEED_NEXT_STEPS) == len(NeedStatus)
    for status, step in NEED_NEXT_STEPS.items():
        assert rows[f"The {status} need"][1] == NeedStatus(status).label, status
        assert rows[f"The {status} need"][3] == step, status


def test_your_needs_has_pages_of_25_newest_first(client, login, world, make, ctx):
    for n in range(27):
        need_id = need_in(world, make, "draft", title=f"Need {n:02}")
        with ctx():
            db.session.get(Need, need_id).created_at = utcnow() - timedelta(days=30 - n)
            db.session.commit()
    need_in(world, make, "draft", org=world.other_org, title="Their need")
    login(world.member)

    first = client.get("/vcse/needs").get_data(as_text=True)
    second = client.get("/vcse/needs?page=2").get_data(as_text=True)

    assert "27 needs" in first and "27 needs" in second
    assert [row[0] for row in table_rows(first)] == [f"Need {n:02}" for n in range(26, 1, -1)]
    assert [row[0] for row in table_rows(second)] == ["Need 01", "Need 00"]
    assert 'href="/vcse/needs?page=2" rel="next"' in first
    assert 'href="/vcse/needs?page=1" rel="prev"' in second
    past_the_end = client.get("/vcse/needs?page=9").get_data(as_text=True)
    assert "There are no needs on this page." in past_the_end and 'href="/vcse/needs"' in past_the_end
