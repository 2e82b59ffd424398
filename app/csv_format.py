"""How the service writes CSV for spreadsheet users: UTF-8 with a BOM, a header row, CRLF line ends, ISO dates,
pounds as exact decimals and text that cannot start a formula (CSV injection).

Python writes the rows (`csv_text`); on PostgreSQL a large export can have the database write them instead
(`copy_csv`), with the same rules as SQL expressions (`sql_text_cell`), byte for byte the same file.
"""
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, case, func, literal

from app.extensions import db

BOM = "\ufeff"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500


def csv_cell(value) -> str | int | Decimal:
    """One value as a safe CSV cell: numbers as they are, dates in ISO form, text that cannot start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, Decimal)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def sql_text_cell(expression):
    """`csv_cell` for a text column, as SQL: a leading formula character gets a quote mark; empty text is NULL.

    An empty text is NULL so that COPY writes it as an empty field, as Python's csv writer does (COPY quotes '').
    """
    first = func.substr(expression, 1, 1)
    return case((first.in_(FORMULA_START), literal("'") + expression), else_=func.nullif(expression, ""))


def _header(header: Sequence[str]) -> str:
    """The BOM and the header row."""
    out = io.StringIO()
    out.write(BOM)
    csv.writer(out, lineterminator="\r\n").writerow([csv_cell(name) for name in header])
    return out.getvalue()


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The file in chunks: BOM and header first, then the rows a few hundred at a time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write(_header(header))
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(value) for value in row])
        if count % ROWS_PER_CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def copy_csv(header: Sequence[str], query: Select, rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The file in chunks, its rows written by PostgreSQL (`COPY ... TO STDOUT`): the query's columns must already
    be cells (`sql_text_cell` for text, to_char for dates, numeric for pounds).

    COPY sends one row a message, each ending in LF; the file's rows end in CRLF, as `csv_text` writes them.
    """
    compiled = query.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    yield _header(header).encode()
    chunk: list[bytes] = []
    with cursor.copy(f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv)", compiled.params) as copy:
        for row in copy:
            chunk.append(bytes(row[:-1]))
            if len(chunk) == rows_per_chunk:
                yield b"\r\n".join(chunk) + b"\r\n"
                chunk = []
    if chunk:
        yield b"\r\n".join(chunk) + b"\r\n"
