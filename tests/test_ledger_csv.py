"""The ledger CSV: PostgreSQL writes it itself (COPY) byte for byte as Python writes it, awkward text included."""
import csv
import io

import pytest
from sqlalchemy import select

from app.csv_format import copy_csv, csv_text
from app.extensions import db
from app.models import EvidenceFile, LedgerEntry, Measure, Need, Organisation, Pledge, User
from app.models.evidence import EvidenceStage
from app.queries import reports
from app.services import ledger
from tests import factories_ledger as fl
from tests.conftest import IS_POSTGRES

AWKWARD = {
    "need": '=HYPERLINK("http://evil.example"), with a comma',
    "note": 'Line one\nline two, "quoted"\r\nand a CRLF',
    "story": "-1 minus start; café ünïcode — dash",
    "vcse": "+44 Friends of the Park",
    "unit": "@hour",
    "reason": "@Counted twice",
}


@pytest.fixture
def world(app, make):
    """A contract's ledger holding awkward text, an empty story, evidence files, a units-only entry and a reversal."""
    w = fl.ledger_world(app, make, need_quantity="1000", commitment_quantity="900")
    first = fl.confirmed_entry(app, w.need, w.commitment, w.supplier_user, w.vcse_user, "10", story=AWKWARD["story"])
    plain = fl.confirmed_entry(app, w.need, w.commitment, w.supplier_user, w.vcse_user, "2.5", story="")
    units_only = make.measure(categories=("volunteers",), pence=None)
    units_need = make.need(w.vcse, status="open", measure_id=units_only, quantity="50")
    units_commitment = fl.commitment(app, w.contract, units_only, "50")
    fl.confirmed_entry(app, units_need, units_commitment, w.supplier_user, w.vcse_user, "3")
    with app.app_context():
        entry = db.session.get(LedgerEntry, first)
        db.session.get(Need, w.need).title = AWKWARD["need"]
        db.session.get(Pledge, entry.pledge_id).delivery_note = AWKWARD["note"]
        db.session.get(Organisation, w.vcse).name = AWKWARD["vcse"]
        db.session.get(Measure, w.measure).unit = AWKWARD["unit"]
        for n, name in enumerate(["photo one.jpg", "=report.pdf"]):
            db.session.add(EvidenceFile(pledge_id=entry.pledge_id, uploaded_by_id=w.supplier_user,
                                        stage=EvidenceStage.DELIVERED, original_name=name, stored_name=f"s{first}-{n}",
                                        content_type="image/jpeg", size_bytes=10, sha256="0" * 64))
        db.session.commit()
        ledger.reverse_entry(plain, db.session.get(User, w.moderator), reason=AWKWARD["reason"])
    return w


def _python_file(*conditions) -> bytes:
    """The CSV as Python writes it, row by row."""
    return "".join(csv_text(reports.LEDGER_COLUMNS, reports.ledger_csv_rows(*conditions))).encode()


@pytest.mark.skipif(not IS_POSTGRES, reason="COPY is PostgreSQL's; SQLite's file is Python's by definition")
def test_postgresql_writes_the_same_file_as_python(app, world):
    with app.app_context():
        condition = LedgerEntry.contract_id == world.contract
        copied = b"".join(copy_csv(reports.LEDGER_COLUMNS, reports._ledger_copy_select([condition]),
                                   rows_per_chunk=2))
        assert copied == _python_file(condition)
        assert b"".join(chunk if isinstance(chunk, bytes) else chunk.encode()
                        for chunk in reports.ledger_csv_file(condition)) == copied
        assert len(copied.decode().splitlines()) > 6   # the header, 5 entries and the quoted line breaks


def test_the_file_keeps_awkward_text_safe_and_readable(app, world):
    with app.app_context():
        entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.contract_id == world.contract)
                                     .order_by(LedgerEntry.id)).all()
        text = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode()
                        for chunk in reports.ledger_csv_file(LedgerEntry.contract_id == world.contract)).decode()
    assert text.startswith("\ufeffEntry,") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    assert [int(row["Entry"]) for row in rows] == [entry.id for entry in entries]
    first, reversal, units = rows[0], rows[-1], rows[2]
    assert first["For"] == "'" + AWKWARD["need"]
    assert first["Delivery note"] == AWKWARD["note"]
    assert first["Story"] == "'" + AWKWARD["story"]
    assert first["Recipient (VCSE)"] == "'" + AWKWARD["vcse"]
    assert first["Unit"] == "'" + AWKWARD["unit"]
    assert first["Evidence files"] == "photo one.jpg; =report.pdf"
    assert first["Value (£)"] == "122.10" and first["Proxy value per unit (£)"] == "12.21"
    assert rows[1]["Story"] == "" and rows[1]["Evidence files"] == ""
    assert units["Proxy value per unit (£)"] == "" and units["Value (£)"] == "0.00"
    assert reversal["Reason"] == "'" + AWKWARD["reason"] and reversal["Value (£)"] == "-30.53"
    assert reversal["Delivery note"] == "" and reversal["Story"] == ""
