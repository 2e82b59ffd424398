"""Factories and files for evidence and case studies: good files made here, and the abusive ones the checks refuse."""
import io
import struct
import zlib
from decimal import Decimal

from PIL import Image

from app.demo.evidence import demo_pdf, demo_png
from app.extensions import db
from app.models import CaseStudy, EvidenceStage, LedgerEntry, Pledge, User
from app.services import case_studies, evidence

__all__ = ["demo_pdf", "demo_png"]


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG carrying EXIF with a camera model and a GPS position, as a phone photo would."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x0110] = "SecretPhone 9"           # Model
    exif[0x0112] = 1                          # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.5)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "W", (0.0, 7.0, 39.0)    # GPSLongitudeRef, GPSLongitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width: int = 60_000, height: int = 60_000) -> bytes:
    """A valid-looking PNG a few hundred bytes long that claims billions of pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 8, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")


def pdf_with(body: bytes) -> bytes:
    """A small PDF with extra bytes in its catalogue (a script, an action...)."""
    return demo_pdf().replace(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Catalog /Pages 2 0 R " + body + b" >>")


def pdf_with_compressed(body: bytes) -> bytes:
    """A PDF hiding bytes in a Flate-compressed stream (as an object stream would)."""
    stream = zlib.compress(body)
    extra = b"6 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream\nendobj\n"
    pdf = demo_pdf()
    return pdf.replace(b"xref\n", extra + b"xref\n", 1)


def attach_file(app, pledge_id: int, user_id: int, *, stage: str = "delivered", name: str = "photo.png",
                data: bytes | None = None) -> int:
    """An evidence file on a pledge, checked and stored as the services do; returns its id."""
    with app.app_context():
        pledge, user = db.session.get(Pledge, pledge_id), db.session.get(User, user_id)
        checked = evidence.check_uploads([evidence.Upload(name, io.BytesIO(data or demo_png()))])
        row = evidence.attach(pledge, user, EvidenceStage(stage), checked)[0]
        db.session.commit()
        file_id = row.id
        db.session.remove()
    return file_id


def entry_pledge(app, entry_id: int) -> int:
    """The pledge a ledger entry counts."""
    with app.app_context():
        pledge_id = db.session.get(LedgerEntry, entry_id).pledge_id
        db.session.remove()
    return pledge_id


def case_study(app, entry_id: int, *, story: str = "The hall looks welcoming again.", publish_as: int | None = None,
               text: str | None = None) -> int:
    """A case study given with consent for a ledger entry's delivery, published by a moderator if given."""
    with app.app_context():
        entry = db.session.get(LedgerEntry, entry_id)
        pledge = db.session.get(Pledge, entry.pledge_id)
        pledge.story = story
        row = case_studies.submit_case_study(pledge, entry, db.session.get(User, entry.confirmed_by_id))
        db.session.commit()
        case_study_id = row.id
        if publish_as is not None:
            case_studies.publish_case_study(case_study_id, db.session.get(User, publish_as), text=text or story)
        db.session.remove()
    return case_study_id


def confirm_with_consent(app, pledge_id: int, vcse_user: int, story: str, quantity: str = "10") -> int:
    """Confirm a delivered pledge with consent to publish its story; returns the case study's id."""
    from app.services import pledges
    with app.app_context():
        pledges.confirm_delivery(pledge_id, db.session.get(User, vcse_user), quantity=Decimal(quantity), story=story,
                                 consent=True)
        case_study_id = db.session.scalars(db.select(CaseStudy.id).where(CaseStudy.pledge_id == pledge_id)).one()
        db.session.remove()
    return case_study_id
