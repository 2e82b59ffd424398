"""CSV downloads: a streamed response of a file written by app.csv_format, so a large export stays in constant
memory."""
from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context

from app.csv_format import csv_text


def csv_file_response(filename: str, chunks: Iterable[str | bytes]) -> Response:
    """A streamed CSV download of a file's chunks (from `csv_text` or `copy_csv`), read as the file is sent."""
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.mimetype_params["charset"] = "utf-8"
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """A streamed CSV download of rows written out by Python."""
    return csv_file_response(filename, csv_text(header, rows))
