"""Demo evidence and case studies: a delivery with a photo and a PDF, and stories published and waiting."""
import io
from datetime import date

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.extensions import db
from app.models import CaseStudy, EvidenceFile, EvidenceStage, LedgerEntry, Need, Pledge, PledgeStatus, User
from app.queries.annual_report import year_case_studies
from app.queries.reports import FinancialYear
from app.services import case_studies, evidence
from app.services.annual_report import choose_case_studies
from app.services.evidence import Upload

MODERATOR_EMAIL = "moderator@example.gov.uk"

# Demo confirmations whose stories were given with consent, by need, as a moderator published each (None: waiting).
EDITS = {
    "Volunteers to paint our community hall":
        "Volunteers painted the hall over two Saturdays. Bookings are up by a third and the toddler group says the "
        "room feels welcoming again.",
    "Bid-writing support for our care farm":
        "With a bid writer's help the group sent its first lottery application, and was awarded £48,000 to open a "
        "care farm that will give 30 adults with learning disabilities a place to work outdoors.",
    "Work placements for young adults with learning disabilities":
        "Placement days in the school kitchens gave young adults their first work experience. Their confidence "
        "scores rose from an average of 3 out of 10 to 6, and one now has a paid part-time job.",
    "Van and driver to collect donated furniture": None,
}


def demo_png(text: str = "Painted hall, after") -> bytes:
    """A small PNG drawn here: a wall and a caption, as a delivery photo might show."""
    image = Image.new("RGB", (320, 200), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 300, 150), fill=(29, 112, 184))
    draw.text((24, 165), text, fill=(11, 12, 12))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def demo_pdf(text: str = "Timesheet: 6 volunteers, 2 Saturdays") -> bytes:
    """A one-page PDF written by hand, with no scripts or actions: a line of text."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"BT /F1 14 Tf 40 780 Td ({safe}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _first_user(organisation_id: int) -> User:
    """An organisation's first demo user."""
    return db.session.scalars(select(User).where(User.organisation_id == organisation_id).order_by(User.id)).first()


def _add_files(pledge: Pledge, user: User, stage: EvidenceStage, files: list[Upload]) -> None:
    """Check and attach files to a demo pledge, as the delivery or confirmation would have."""
    evidence.attach(pledge, user, stage, evidence.check_uploads(files))
    db.session.commit()


def _evidence() -> None:
    """A photo and a PDF on the first delivery waiting for confirmation, and a photo on the first confirmed one."""
    first = {status: db.session.scalars(select(Pledge).where(Pledge.status == status).order_by(Pledge.id)).first()
             for status in (PledgeStatus.DELIVERED, PledgeStatus.CONFIRMED)}
    delivered, confirmed = first[PledgeStatus.DELIVERED], first[PledgeStatus.CONFIRMED]
    if delivered is not None:
        _add_files(delivered, _first_user(delivered.supplier_id), EvidenceStage.DELIVERED,
                   [Upload("hall-after.png", io.BytesIO(demo_png())), Upload("timesheet.pdf", io.BytesIO(demo_pdf()))])
    if confirmed is not None:
        _add_files(confirmed, _first_user(confirmed.vcse_id), EvidenceStage.CONFIRMED,
                   [Upload("our-new-room.png", io.BytesIO(demo_png("What it looks like now")))])


def _case_studies() -> None:
    """Stories of confirmed deliveries, given with consent: some published after a moderator's edit, one waiting."""
    moderator = db.session.scalars(select(User).where(User.email == MODERATOR_EMAIL)).first()
    reversed_ids = select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
    rows = db.session.execute(
        select(LedgerEntry, Need.title).join(Need, Need.id == LedgerEntry.need_id)
        .where(Need.title.in_(EDITS), LedgerEntry.reverses_id.is_(None), LedgerEntry.story != "",
               LedgerEntry.id.not_in(reversed_ids)).order_by(LedgerEntry.id)).all()
    done = set()
    for entry, title in rows:
        if title in done:
            continue
        done.add(title)
        pledge = db.session.get(Pledge, entry.pledge_id)
        case_study = case_studies.submit_case_study(pledge, entry, db.session.get(User, entry.confirmed_by_id))
        db.session.commit()
        if EDITS[title] and moderator is not None:
            case_studies.publish_case_study(case_study.id, moderator, text=EDITS[title])


def load_demo_evidence() -> None:
    """Evidence files on demo deliveries and case studies published and waiting; running it again changes nothing."""
    if db.session.scalar(select(EvidenceFile.id).limit(1)) is None:
        _evidence()
    if db.session.scalar(select(CaseStudy.id).limit(1)) is None:
        _case_studies()
        _choose_for_annual_reports()


def _choose_for_annual_reports() -> None:
    """Put every published demo story in its financial year's annual report, as council staff would choose."""
    staff = db.session.scalars(select(User).where(User.email == MODERATOR_EMAIL)).first()
    if staff is None:
        return
    today = date.today()
    for year in (FinancialYear.of(today).start.year - 1, FinancialYear.of(today).start.year):
        stories = year_case_studies(staff.organisation_id, FinancialYear.starting(year))
        if stories:
            choose_case_studies(staff, year, [story.id for story in stories])
