"""Cross-site scripting: every payload, through every free-text field, stored clean and shown inert everywhere.

The whole corpus goes in through the services (quick); a sample goes through the real forms, the moderators' reason
fields, registration and organisation names. Stored rich text must use only the allow-list; every page and email that
shows the text must hold no active construct beyond what the same page holds for a harmless need.
"""
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from markupsafe import escape
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.web.request import without_nul
from app.models import Need, NeedCategory, Organisation, OutboxMessage, User
from app.sanitise import render_rich_text, strip_tags
from app.services import needs
from app.forms.common import single_line
from tests.conftest import csrf_token
from tests.factories import PASSWORD
from tests.test_needs_pages import FormState, speed_up_app  # noqa: F401  (an autouse fixture)
from tests.xss_payloads import PAYLOADS, SAMPLE, injected, markup_in_source, rich_text_problems

HARMLESS = "Harmless words"
FUTURE = date.today() + timedelta(days=60)


@pytest.fixture
def app_overrides():
    """Registration is rate limited; this module registers a sample of organisations in one go."""
    return {"REGISTER_RATE_LIMIT": "1000 per minute"}


@pytest.fixture
def world(app, make):
    """A VCSE member, a supplier and a moderator, each with their own signed-in client."""
    area, theme = make.area(), make.theme()
    org = make.organisation(kind="vcse", name="Harmless Trust", area_ids=[area])
    ids = SimpleNamespace(area=area, theme=theme, measure=make.measure(categories=("volunteers",)), org=org,
                          member=make.user(org), supplier=make.user(kind="supplier"),
                          moderator=make.council_user("moderator"))
    ids.clients = {}
    for who in ("member", "supplier", "moderator"):
        ids.clients[who] = app.test_client()
        with app.app_context():
            token = db.session.get(User, getattr(ids, who)).session_token
        with ids.clients[who].session_transaction() as session:
            session["_user_id"], session["_fresh"] = token, True
    return ids


def as_typed(text: str, limit: int) -> str:
    """What the form hands the service for text typed into a field of this length (NULs dropped, cut to fit)."""
    return without_nul(text)[:limit]


def need_input(world, payloads: list[str]) -> needs.NeedInput:
    """A need with the payloads in every free-text field (each a paragraph of its own in the description)."""
    text = " ".join(payloads)
    return needs.NeedInput(
        title=as_typed(text, 120), summary=as_typed(text, 300), description=without_nul("\n\n".join(payloads)),
        category=NeedCategory.VOLUNTEERS, measure_id=world.measure, quantity=Decimal("3"), area_id=world.area,
        needed_by=FUTURE, contact=as_typed(text, 500), theme_ids=[world.theme])


def in_groups(payloads: list[str], limit: int = 120) -> list[list[str]]:
    """Payloads packed a few to a need, each group short enough that every payload fits whole in the title."""
    groups: list[list[str]] = []
    for payload in payloads:
        if groups and len(" ".join(groups[-1] + [payload])) <= limit:
            groups[-1].append(payload)
        else:
            groups.append([payload])
    return groups


def shown_title(payloads: list[str]) -> str:
    """The title as a page must show it: the saved text, HTML-escaped."""
    return str(escape(as_typed(" ".join(payloads), 120).strip()))


class Problems(list):
    """Failures collected across the corpus, reported together."""

    def check_page(self, what: str, page: str, baseline: str, must_show: str | None = None) -> None:
        """A rendered page holds nothing active beyond its baseline, and shows the escaped text if given."""
        found = injected(page, baseline)
        if found:
            self.append(f"{what}: {found}")
        if must_show is not None and must_show not in page:
            self.append(f"{what}: escaped text {must_show[:60]!r} not shown")

    def report(self) -> str:
        return f"{len(self)} problems, first ones:\n" + "\n".join(self[:25])


def get(client, url: str) -> str:
    """A page that must render."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def emails_html(ctx) -> list[tuple[str, str]]:
    """(subject, HTML body) of every queued email."""
    with ctx():
        return [(m.subject, m.body_html) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_the_corpus_is_large_and_distinct():
    assert len(PAYLOADS) >= 200
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    assert set(SAMPLE) <= set(PAYLOADS)


def test_the_checkers_catch_what_they_are_for():
    """The checks below are only as good as these two functions: make sure they see what they must."""
    for bad in ['<script>x</script>', '<p onclick="x">a</p>', '<a href="java&#9;script:x">a</a>', '<a href=" JAVASCRIPT:x">a</a>',
                '<a href="vbscript:x">a</a>', '<a href="data:text/html,x">a</a>', '<a href="ftp://x">a</a>', '<img src=x>',
                '<a style="x">a</a>', '<a target="_blank" href="https://x">a</a>', '<!-- x -->', '<svg></svg>']:
        assert rich_text_problems(bad), bad
    for good in ['<p>a <strong>b</strong> <a href="https://x.example" rel="nofollow noopener" title="t">c</a></p>',
                 '<ul><li><a href="mailto:a@b.example">m</a></li></ul>', '<p>&lt;script&gt;</p>', '<a href="/relative">r</a>']:
        assert not rich_text_problems(good), good

    base = '<html><head><script type="module" src="/static/js/app.js"></script></head><body><h1>T</h1></body></html>'
    assert injected(base, base) == []
    assert injected(base.replace("<h1>T", "<h1>&lt;script&gt;alert(1)&lt;/script&gt;"), base) == []
    for bad in ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>',
                '<svg><a xlink:href="javascript:x">y</a></svg>', '<meta http-equiv="refresh" content="0">',
                '<iframe srcdoc="x"></iframe>', '<base href="https://evil.example/">', '<b onmouseover=x>b</b>',
                '<div style="background:url(javascript:x)">d</div>', '<object data="x"></object>', '<math>m</math>']:
        assert injected(base.replace("<h1>T", "<h1>" + bad), base), bad


def test_every_payload_alone_is_cleaned_to_the_allow_list():
    problems = Problems()
    for payload in PAYLOADS:
        stored = render_rich_text(without_nul(payload))   # what create_need stores as the description's HTML
        problems += [f"{payload!r}: {bad} in {stored!r}" for bad in rich_text_problems(stored)]
    assert not problems, problems.report()


def test_every_payload_alone_leaves_no_markup_in_the_stored_source():
    problems = Problems()
    for payload in PAYLOADS:
        source = strip_tags(without_nul(payload))   # what create_need stores as the description's source
        problems += [f"{payload!r}: {bad} in {source!r}" for bad in markup_in_source(source)]
        if strip_tags(source) != source:
            problems.append(f"{payload!r}: stripping {source!r} again changes it")
    assert not problems, problems.report()


def test_stripping_tags_from_the_source_keeps_the_text_and_markdown():
    typed = ("Fish & chips for a < b and c > d, **bold**, *italic*, [a link](https://example.org) and "
             "<https://example.org/x>.\n\n- one\n- two &amp; &lt;three&gt;")
    assert strip_tags(typed) == typed.replace("<https://example.org/x>", "https://example.org/x")
    assert strip_tags('We need <a href="javascript:alert(1)">help</a> <b>now</b><!-- x -->') == "We need help now"
    assert strip_tags("<<b>b>Hello<script>alert(1)</script>") == "Hello"


def test_every_payload_in_every_need_field_is_stored_clean_and_shown_inert(world, ctx):
    problems = Problems()
    groups = in_groups(PAYLOADS)
    with ctx():
        member = db.session.get(User, world.member)
        baseline_id = needs.create_need(member, need_input(world, [HARMLESS])).id
        needs.submit_need(baseline_id, member)
    # The list pages as they are with only the harmless need on them.
    queue_baseline = get(world.clients["moderator"], "/moderation/needs")
    own_list_baseline = get(world.clients["member"], "/vcse/needs")
    with ctx():
        member = db.session.get(User, world.member)
        posted = {}
        for group in groups:
            need = needs.create_need(member, need_input(world, group))
            problems += [f"stored {group!r}: {bad} in {need.description_html!r}"
                         for bad in rich_text_problems(need.description_html)]
            problems += [f"stored source of {group!r}: {bad} in {need.description_source!r}"
                         for bad in markup_in_source(need.description_source)]
            needs.submit_need(need.id, member)
            posted[need.id] = group
    assert not problems, problems.report()

    # The review queue lists every payload title while they wait.
    pages = -(-(len(posted) + 1) // 25)
    for page in range(1, pages + 1):
        problems.check_page(f"review queue page {page}", get(world.clients["moderator"], f"/moderation/needs?page={page}"),
                            queue_baseline)

    with ctx():
        moderator = db.session.get(User, world.moderator)
        needs.approve_need(baseline_id, moderator, note=HARMLESS)
        for need_id, group in posted.items():
            needs.approve_need(need_id, moderator, note=without_nul(" ".join(group)))

    routes = [("supplier", "/needs/{}"), ("member", "/vcse/needs/{}"), ("moderator", "/moderation/needs/{}")]
    baselines = {url: get(world.clients[who], url.format(baseline_id)) for who, url in routes}
    for need_id, group in posted.items():
        for who, url in routes:
            problems.check_page(f"{url.format(need_id)} with {group!r}", get(world.clients[who], url.format(need_id)),
                                baselines[url], must_show=shown_title(group))

    supplier = world.clients["supplier"]
    list_baseline = get(supplier, "/needs?q=harmless")
    for page in range(1, pages + 1):
        problems.check_page(f"/needs page {page}", get(supplier, f"/needs?page={page}"), list_baseline)
    problems.check_page("/vcse/needs", get(world.clients["member"], "/vcse/needs"), own_list_baseline)

    sent = emails_html(ctx)
    assert len(sent) == len(posted) + 1
    for subject, body in sent[1:]:
        problems.check_page(f"email {subject!r}", body, sent[0][1])
    assert not problems, problems.report()


def post_need(client, values: dict, button: tuple[str, str]):
    """POST the need form with every field, as a browser would."""
    items = [("csrf_token", csrf_token(client, "/vcse/needs/new"))]
    for name, value in values.items():
        items += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return client.post("/vcse/needs/new", data=MultiDict(items + [button]))


def form_values(world, text: str, quantity: str = "3") -> dict:
    """The need form with the text in every free-text field."""
    return {"title": text[:120], "summary": text[:300], "description": text, "contact": text[:500],
            "category": "volunteers", "measure_id": str(world.measure), "quantity": quantity, "area_id": str(world.area),
            "theme_ids": [str(world.theme)], "needed_by": [str(FUTURE.day), str(FUTURE.month), str(FUTURE.year)]}


SUBMIT = ("submit_review", "Save and submit for review")


def _posted_need(world, text: str) -> int:
    """Post a need through the real form, submitted for review; return its id."""
    response = post_need(world.clients["member"], form_values(world, text), SUBMIT)
    assert response.status_code == 303, text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _decide(world, need_id: int, decision: str, field: str, text: str, status: int = 303):
    """A moderator's decision through the real review form."""
    client = world.clients["moderator"]
    review = f"/moderation/needs/{need_id}"
    response = client.post(f"{review}/{decision}", data={"csrf_token": csrf_token(client, review), field: text})
    assert response.status_code == status, (decision, text)
    return response


def test_a_sample_through_the_real_forms_and_the_moderators_reasons_stays_inert(world, ctx, make):
    problems = Problems()
    member, moderator = world.clients["member"], world.clients["moderator"]
    # Baselines: the same pages for harmless text, in the same states.
    error_baseline = post_need(member, form_values(world, HARMLESS, quantity="abc"), SUBMIT).get_data(as_text=True)
    harmless = {decision: _posted_need(world, HARMLESS) for decision in ("request-changes", "reject", "hide")}
    long_baseline = _decide(world, harmless["request-changes"], "request-changes", "request_changes-reason",
                            HARMLESS + "x" * 2001, 422).get_data(as_text=True)
    _decide(world, harmless["request-changes"], "request-changes", "request_changes-reason", HARMLESS)
    _decide(world, harmless["reject"], "reject", "reject-reason", HARMLESS)
    _decide(world, harmless["hide"], "approve", "approve-note", HARMLESS)
    _decide(world, harmless["hide"], "hide", "hide-reason", HARMLESS)
    baselines = {
        (decision, url): get(client, url.format(need_id))
        for decision, need_id in harmless.items()
        for client, url in ((member, "/vcse/needs/{}"), (moderator, "/moderation/needs/{}"),
                            *(((member, "/vcse/needs/{}/edit"),) if decision == "request-changes" else ()))
    }
    search_baseline = get(member, "/needs?q=harmless")

    for n, payload in enumerate(SAMPLE):
        # A form with an error comes back with every field as typed, and nothing breaks out of its attribute.
        values = form_values(world, payload, quantity="abc")
        response = post_need(member, values, SUBMIT)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        problems.check_page(f"need form error page with {payload!r}", page, error_baseline)
        form = FormState(page)
        # The one-line title comes back with any line breaks joined (a browser's text box cannot hold them anyway).
        if (form.inputs["title"], form.textareas["description"].removeprefix("\n")) != (single_line(values["title"]),
                                                                                      payload):
            problems.append(f"need form with {payload!r} did not keep what was typed")

        need_id = _posted_need(world, payload)
        decision, field = [("request-changes", "request_changes-reason"), ("reject", "reject-reason"),
                           ("hide", "hide-reason")][n % 3]
        if decision == "request-changes":
            too_long = _decide(world, need_id, decision, field, payload + "x" * 2001, 422).get_data(as_text=True)
            problems.check_page(f"too-long reason with {payload!r}", too_long, long_baseline)
        if decision == "hide":
            _decide(world, need_id, "approve", "approve-note", payload)
        _decide(world, need_id, decision, field, payload)

        urls = [(member, "/vcse/needs/{}"), (moderator, "/moderation/needs/{}")]
        if decision == "request-changes":
            urls.append((member, "/vcse/needs/{}/edit"))
        for client, url in urls:
            problems.check_page(f"{url.format(need_id)} after {decision} with {payload!r}",
                                get(client, url.format(need_id)), baselines[(decision, url)],
                                must_show=str(escape(payload.strip())) if url.startswith("/moderation") else None)
        saved = make.get(Need, need_id)
        if saved.moderation_note != payload.strip():
            problems.append(f"moderation note {payload!r} saved as {saved.moderation_note!r}")
        for bad in rich_text_problems(saved.description_html):
            problems.append(f"stored {payload!r} via the form: {bad}")
        for bad in markup_in_source(saved.description_source):
            problems.append(f"stored source of {payload!r} via the form: {bad}")

        # The search box shows what was searched for, escaped.
        response = member.get("/needs", query_string={"q": payload})
        assert response.status_code == 200
        problems.check_page(f"search for {payload!r}", response.get_data(as_text=True), search_baseline)

    sent = emails_html(ctx)
    for subject, body in sent:
        problems.check_page(f"email {subject!r}", body, sent[0][1])
    assert len(sent) > len(SAMPLE)   # one per decision, and one more for each approval before hiding
    assert not problems, problems.report()


def test_plain_text_fields_come_back_escaped(world, ctx):
    payload = "<script>alert(1)</script> & <b>bold</b>"
    with ctx():
        member, moderator = db.session.get(User, world.member), db.session.get(User, world.moderator)
        need_id = needs.create_need(member, need_input(world, [payload])).id
        needs.submit_need(need_id, member)
        needs.approve_need(need_id, moderator)

    page = get(world.clients["supplier"], f"/needs/{need_id}")

    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    assert page.count(escaped) >= 3            # the title (twice: heading and <title>), the summary, the contact
    assert "<script>alert(1)" not in page
    # The description is Markdown: typed HTML tags are dropped before it is stored (the script with its content),
    # and the words are kept.
    with ctx():
        saved = db.session.get(Need, need_id)
        assert (saved.description_source, saved.description_html) == (" & bold", "<p>&amp; bold</p>")


def _register(app, world, n: int, name: str):
    """Register a VCSE through the real form; return its signed-in client and the organisation's id."""
    visitor = app.test_client()
    response = visitor.post("/register", data={
        "csrf_token": csrf_token(visitor, "/register"), "kind": "vcse", "organisation_name": name[:200],
        "registered_number": "", "areas": str(world.area), "name": name[:120], "email": f"registrant{n}@example.org",
        "password": PASSWORD})
    assert response.status_code == 303, name
    with app.app_context():
        org_id = db.session.scalars(select(Organisation.id).order_by(Organisation.id.desc())).first()
        db.session.remove()
    return visitor, org_id


def test_organisation_and_person_names_from_registration_are_shown_inert(app, world, ctx, make):
    problems = Problems()
    moderator = world.clients["moderator"]
    visitor, org_id = _register(app, world, 0, HARMLESS)
    waiting_baseline = get(visitor, "/account/waiting")
    review_baseline = get(moderator, f"/moderation/organisations/{org_id}")
    queue_baseline = get(moderator, "/moderation/organisations")
    sample = SAMPLE[:8]
    for n, payload in enumerate(sample, start=1):
        visitor, org_id = _register(app, world, n, payload)
        problems.check_page(f"waiting page for {payload!r}", get(visitor, "/account/waiting"), waiting_baseline)
        problems.check_page(f"organisation review for {payload!r}", get(moderator, f"/moderation/organisations/{org_id}"),
                            review_baseline, must_show=str(escape(payload[:200].strip())))
    problems.check_page("organisation queue", get(moderator, "/moderation/organisations"), queue_baseline)

    # An approved organisation's name is shown on its needs' public pages and in the list.
    public = app.test_client()
    harmless_need = make.need(make.organisation(kind="vcse", name=HARMLESS), status="open")
    need_baseline, list_baseline = get(public, f"/needs/{harmless_need}"), get(public, "/needs")
    for payload in sample:
        need_id = make.need(make.organisation(kind="vcse", name=payload[:200]), status="open")
        problems.check_page(f"need page of organisation {payload!r}", get(public, f"/needs/{need_id}"), need_baseline,
                            must_show=str(escape(payload[:200].strip())))
    problems.check_page("needs list with organisation names", get(public, "/needs"), list_baseline)

    sent = emails_html(ctx)
    for subject, body in sent[1:]:
        problems.check_page(f"email {subject!r}", body, sent[0][1])
    assert not problems, problems.report()


def test_every_payload_in_a_case_study_story_and_its_edit_is_shown_inert(app, make, ctx):
    """The group's story and the moderator's edit: the review queue, review page, public page and pledge pages."""
    from app.models import CaseStudy
    from app.services import case_studies
    from tests import factories_ledger as ledger
    from tests.factories_evidence import confirm_with_consent

    w = ledger.ledger_world(app, make, need_quantity="10000", commitment_quantity="10000")
    clients = {}
    for who in ("vcse_user", "supplier_user", "moderator"):
        clients[who] = app.test_client()
        with app.app_context():
            token = db.session.get(User, getattr(w, who)).session_token
        with clients[who].session_transaction() as session:
            session["_user_id"], session["_fresh"] = token, True

    def story_with(payloads: list[str]) -> tuple[int, int, str]:
        """(pledge, case study, story as typed) for a confirmation whose story holds the payloads."""
        text = as_typed("\n".join(payloads), 3000)
        pledge_id = ledger.delivered_pledge(app, w.need, w.commitment, w.supplier_user, w.vcse_user, "1")
        return pledge_id, confirm_with_consent(app, pledge_id, w.vcse_user, text, quantity="1"), text

    def pages(pledge_id: int, case_study_id: int) -> dict[str, tuple[str, str]]:
        """Every page that shows a case study's text, with who looks at it."""
        return {"review": ("moderator", f"/moderation/case-studies/{case_study_id}"),
                "vcse pledge": ("vcse_user", f"/vcse/pledges/{pledge_id}"),
                "supplier pledge": ("supplier_user", f"/supplier/pledges/{pledge_id}")}

    problems = Problems()
    base_pledge, base_id, _ = story_with([HARMLESS])
    baselines = {name: get(clients[who], url) for name, (who, url) in pages(base_pledge, base_id).items()}
    queue_baseline = get(clients["moderator"], "/moderation/case-studies")
    with ctx():
        case_studies.publish_case_study(base_id, db.session.get(User, w.moderator), text=HARMLESS)
    public_baseline = get(app.test_client(), f"/impact/stories/{base_id}")

    posted = [story_with(group) for group in in_groups(PAYLOADS, limit=2500)]
    problems.check_page("case study queue", get(clients["moderator"], "/moderation/case-studies"), queue_baseline)
    for pledge_id, case_study_id, text in posted:
        for name, (who, url) in pages(pledge_id, case_study_id).items():
            problems.check_page(f"{name} {url}", get(clients[who], url), baselines[name])
        with ctx():
            # The moderator publishes it as given, plus a line: plain text, stored as typed and escaped when shown.
            case_studies.publish_case_study(case_study_id, db.session.get(User, w.moderator),
                                            text=f"{text}\n{HARMLESS}")
            edited = db.session.get(CaseStudy, case_study_id).edited_story
        problems.check_page(f"/impact/stories/{case_study_id}", get(app.test_client(), f"/impact/stories/{case_study_id}"),
                            public_baseline, must_show=str(escape(edited)))
    assert not problems, problems.report()
