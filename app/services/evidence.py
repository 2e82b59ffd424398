"""Evidence files: checked by their content (never their name), images re-encoded, stored under EVIDENCE_DIR.

A use case checks its files first (`check_uploads`, raising `Invalid` on the form's file field), makes its state
change, then `attach`es them in the same transaction: each file is written under a random name, and the session
removes what it wrote if the transaction does not commit, so no file outlives a failed change.
"""
import hashlib
import io
import re
import secrets
import struct
import unicodedata
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.extensions import db
from app.models import EvidenceFile, EvidenceStage, Pledge, User

# Images bigger than this many pixels are refused before they are decoded (a small file can hold a huge image).
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
PNG, JPEG, PDF = "image/png", "image/jpeg", "application/pdf"
DOCUMENTS_AND_PHOTOS, PHOTOS = frozenset({PNG, JPEG, PDF}), frozenset({PNG, JPEG})
EXTENSIONS = {PNG: ".png", JPEG: ".jpg", PDF: ".pdf"}
KIND_NAMES = {DOCUMENTS_AND_PHOTOS: "a PDF, JPEG or PNG", PHOTOS: "a JPEG or PNG photo"}
# PDF features that run code, open other programs or carry other files: a PDF using any of them is refused.
PDF_ACTIVE = re.compile(rb"/(JS|JavaScript|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)(?![A-Za-z])")
PDF_STREAM = re.compile(rb"stream\r?\n")
# Signs of a file that is also something else (a polyglot): markup a browser would run, or another format inside.
FOREIGN = re.compile(rb"<\s*(script|html|iframe|object|embed|body)\b|<\?php|%PDF-|javascript:", re.IGNORECASE)
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
NAME_LIMIT = 120
SESSION_KEY = "evidence_written"


@dataclass(frozen=True)
class Upload:
    """A file as the form received it: the name it was sent with and its bytes."""

    filename: str
    stream: BinaryIO


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, ready to store: the bytes to keep (re-encoded, for an image)."""

    original_name: str
    content_type: str
    data: bytes


def uploads(files: Iterable) -> list[Upload]:
    """The files a file field received, leaving out an empty part (no file chosen)."""
    return [Upload(f.filename or "", f.stream) for f in files or () if f is not None and getattr(f, "filename", None)]


def _refuse(message: str, field: str):
    """A file failed a check: say so next to the file field."""
    raise Invalid(message, field)


def clean_name(filename: str, field: str) -> str:
    """The file's own name, cleaned for showing; a name that tries to be a path is refused."""
    name = unicodedata.normalize("NFC", filename or "")
    if "/" in name or "\\" in name or name.startswith("."):
        _refuse("A file name must not contain folders (‘/’, ‘\\’ or ‘..’) or start with a dot. Rename the file "
                "and select it again", field)
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ").strip()
    if not name:
        _refuse("A file has no name. Rename the file and select it again", field)
    stem, dot, ext = name.rpartition(".")
    return name if len(name) <= NAME_LIMIT else f"{stem[:NAME_LIMIT - len(ext) - 1]}{dot}{ext}"


def _read(upload: Upload, name: str, max_bytes: int, field: str) -> bytes:
    """The file's bytes, reading no more than one past the limit."""
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        _refuse(f"{name} must be {max_bytes // (1024 * 1024)} MB or smaller", field)
    if not data:
        _refuse(f"{name} is empty", field)
    return data


def sniff(data: bytes) -> str | None:
    """What the bytes say the file is, from its first bytes alone."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def _pdf_text(data: bytes) -> bytes:
    """The PDF's bytes with its names' #xx escapes undone and its compressed streams inflated (within a budget)."""
    parts, budget, view = [data], 4 * len(data) + 1024 * 1024, memoryview(data)
    for match in PDF_STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(view[match.end():], budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        parts.append(inflated)
        if budget <= 0 or inflater.unconsumed_tail:
            raise ValueError("too much compressed data")
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), b"\n".join(parts))


def _check_pdf(data: bytes, name: str, field: str) -> bytes:
    """A PDF with no scripts, launch actions, embedded files or another format inside."""
    try:
        text = _pdf_text(data)
    except ValueError:
        _refuse(f"{name} could not be checked. Save it again as a plain PDF and select it again", field)
    if PDF_ACTIVE.search(text):
        _refuse(f"{name} contains scripts, actions or attached files, which we do not accept. Save or print it "
                "again as a plain PDF and select it again", field)
    if b"%%EOF" not in data[-2048:] or FOREIGN.search(data, 5) or all(mark in data for mark in ZIP):
        _refuse(f"{name} is not a plain PDF file", field)
    return data


def _check_image(data: bytes, kind: str, name: str, field: str) -> bytes:
    """An image Pillow can open and verify, of a sensible size, re-encoded without its metadata (EXIF, GPS)."""
    if FOREIGN.search(data) or all(mark in data for mark in ZIP) or (
            kind == PNG and not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82")):
        _refuse(f"{name} is not a plain {'PNG' if kind == PNG else 'JPEG'} image", field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != {PNG: "PNG", JPEG: "JPEG"}[kind] or probe.width * probe.height > MAX_PIXELS:
                    raise Image.DecompressionBombError("too big")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                return _reencode(image, kind)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(f"{name} is too large an image. Use a photo of at most {MAX_PIXELS // 1_000_000} megapixels", field)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        _refuse(f"{name} is damaged or not really an image", field)


def _reencode(image: Image.Image, kind: str) -> bytes:
    """The image drawn again into a new file: turned the way it was taken, with no metadata carried over."""
    image = ImageOps.exif_transpose(image)
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    out = io.BytesIO()
    if kind == JPEG:
        image.convert("L" if image.mode in ("L", "LA", "1", "I;16") else "RGB").save(out, "JPEG", quality=90)
    else:
        keep = image.mode if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else "RGBA"
        image.convert(keep).save(out, "PNG", optimize=True)
    return out.getvalue()


def check_uploads(files: list[Upload], *, allowed: frozenset = DOCUMENTS_AND_PHOTOS,
                  field: str = "files") -> list[CheckedFile]:
    """Check every file by its content; refuse the lot, with a message for the file field, if any fails."""
    config = current_app.config
    if len(files) > config["EVIDENCE_MAX_FILES"]:
        _refuse(f"Select up to {config['EVIDENCE_MAX_FILES']} files", field)
    checked = []
    for upload in files:
        name = clean_name(upload.filename, field)
        data = _read(upload, name, config["EVIDENCE_MAX_BYTES"], field)
        kind = sniff(data)
        if kind not in allowed:
            _refuse(f"{name} must be {KIND_NAMES[allowed]} file", field)
        data = _check_pdf(data, name, field) if kind == PDF else _check_image(data, kind, name, field)
        checked.append(CheckedFile(name, kind, data))
    return checked


def evidence_dir() -> Path:
    """Where evidence files are kept (outside static/), made if missing."""
    folder = Path(current_app.config["EVIDENCE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(evidence: EvidenceFile) -> Path:
    """The file on disk behind an evidence row."""
    return Path(current_app.config["EVIDENCE_DIR"]) / evidence.stored_name


def attach(pledge: Pledge, user: User, stage: EvidenceStage, files: list[CheckedFile]) -> list[EvidenceFile]:
    """Write checked files and add their rows to the current transaction; the files go if it does not commit."""
    folder, rows = evidence_dir(), []
    written = db.session.info.setdefault(SESSION_KEY, [])
    for file in files:
        stored_name = secrets.token_hex(16) + EXTENSIONS[file.content_type]
        path = folder / stored_name
        with open(path, "xb") as out:
            written.append(path)
            out.write(file.data)
        row = EvidenceFile(pledge_id=pledge.id, uploaded_by_id=user.id, stage=stage, original_name=file.original_name,
                           stored_name=stored_name, content_type=file.content_type, size_bytes=len(file.data),
                           sha256=hashlib.sha256(file.data).hexdigest())
        db.session.add(row)
        rows.append(row)
    return rows


@event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    """The transaction committed: the files it wrote stay."""
    session.info.pop(SESSION_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_unkept(session: Session, transaction) -> None:
    """The outermost transaction ended without committing: remove the files it wrote."""
    if transaction.parent is None:
        for path in session.info.pop(SESSION_KEY, []):
            path.unlink(missing_ok=True)
