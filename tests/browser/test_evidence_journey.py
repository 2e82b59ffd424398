"""Evidence and case studies through the real pages, with axe on every page at 1280px and 320px.

The supplier marks a delivery with a photo (a refused SVG first: the message sits by the file field and the note
stays typed) and sees it listed; the group confirms with consent to publish its story; a moderator edits the story
in the case study queue and publishes it; anyone can read it on its public page.
"""
from datetime import date
from types import SimpleNamespace

from app.extensions import db
from app.models import User
from app.services import pledges
from tests import factories_ledger as ledger
from tests.factories_evidence import demo_png

STORY = "Ms Jo Bloggs says the hall is bright again. Twenty children now use it every week."
EDITED = "The hall is bright again. Twenty children now use it every week."
NOTE = "Six staff painted the hall over two Saturdays."


def _world(app, make):
    """A council's contract, a supplier's accepted pledge to a group's need, and the council's moderator."""
    w = ledger.ledger_world(app, make)
    pledge_id = ledger.offered_pledge(app, w.need, w.commitment, w.supplier_user, "6")
    with app.app_context():
        pledges.accept_pledge(pledge_id, db.session.get(User, w.vcse_user))
        emails = {name: db.session.get(User, getattr(w, name)).email
                  for name in ("supplier_user", "vcse_user", "moderator")}
        db.session.remove()
    return SimpleNamespace(pledge=pledge_id, **emails)


def test_evidence_is_uploaded_listed_and_a_story_is_moderated_and_published(site, app, make, tmp_path):
    world, page = _world(app, make), site.page
    photo, svg = tmp_path / "hall-after.png", tmp_path / "drawing.svg"
    photo.write_bytes(demo_png())
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

    site.sign_in(world.supplier_user)
    site.visit(f"/supplier/pledges/{world.pledge}")
    site.follow(page.get_by_role("button", name="Mark as delivered"))
    today = date.today()
    group = page.get_by_role("group", name="When was it delivered?")
    group.get_by_label("Day", exact=True).fill(str(today.day))
    group.get_by_label("Month", exact=True).fill(str(today.month))
    group.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_label("What was done?").fill(NOTE)
    page.get_by_label("Evidence (optional)").set_input_files(str(svg))
    site.follow(page.get_by_role("button", name="Mark as delivered"), status=422)
    assert "drawing.svg must be a PDF, JPEG or PNG file" in page.locator(".govuk-error-message").inner_text()
    assert page.get_by_label("What was done?").input_value() == NOTE
    page.get_by_label("Evidence (optional)").set_input_files(str(photo))
    site.follow(page.get_by_role("button", name="Mark as delivered"))
    link = page.get_by_role("link", name="hall-after.png")
    assert link.is_visible()
    fetched = page.request.get(link.get_attribute("href"))
    assert fetched.status == 200 and fetched.headers["content-type"] == "image/png"
    assert fetched.headers["x-content-type-options"] == "nosniff"
    site.sign_out()

    site.sign_in(world.vcse_user)
    site.visit(f"/vcse/pledges/{world.pledge}")
    assert page.get_by_role("link", name="hall-after.png").is_visible()
    page.get_by_label("What difference did it make? (optional)").fill(STORY)
    page.get_by_label("The council may publish this story", exact=False).check()
    site.follow(page.get_by_role("button", name="Confirm delivery"))
    site.sign_out()

    site.sign_in(world.moderator)
    site.visit("/moderation/")
    site.follow(page.get_by_role("link", name="Case studies waiting for review (1)"))
    site.follow(page.get_by_role("link", name=page.locator("table a").first.inner_text()))
    page.get_by_label("Story to publish").fill(EDITED)
    site.follow(page.get_by_role("button", name="Publish case study"))
    assert "The case study is published." in page.locator(".govuk-notification-banner").inner_text()
    site.visit("/moderation/case-studies")
    site.sign_out()

    case_study_path = None
    with app.app_context():
        from sqlalchemy import select
        from app.models import CaseStudy
        case_study_path = f"/impact/stories/{db.session.scalars(select(CaseStudy.id)).one()}"
        db.session.remove()
    site.visit(case_study_path)
    body = page.locator("main").inner_text()
    assert EDITED in body and "Jo Bloggs" not in body
    site.finish(at_least=12)
