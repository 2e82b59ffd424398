"""Evidence files, served only to those who may see their pledge: either side, or the council's contract staff."""
from flask import send_file
from flask_login import current_user

from app.home import bp
from app.queries.evidence import evidence_file
from app.services.evidence import PDF, stored_path
from app.web.answers import found

# A file is shown as itself and nothing more: no scripts, no plugins, no frames, in a sandbox.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@bp.get("/evidence/<int:file_id>")
def evidence(file_id: int):
    """One evidence file: a photo shown in the browser, a PDF downloaded; 404 for anyone who may not see it."""
    row = evidence_file(file_id)
    file, _pledge = found(row, row is not None and row[1].can_view(current_user))
    path = found(stored_path(file), stored_path(file).is_file())
    response = send_file(path, mimetype=file.content_type, as_attachment=file.content_type == PDF,
                         download_name=file.original_name, max_age=0, etag=file.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response
