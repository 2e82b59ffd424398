"""Measures and their proxy values as CSV: export everything, import new measures and values safely."""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Measure, NeedCategory, User
from app.services.audit import record_audit
from app.errors import Invalid
from app.services.reference import (
    MeasureInput, ProxyInput, apply_measure_changes, build_proxy_value, check_pence, clean_code,
    clean_measure, clean_source_note, new_measure, require_admin,
)

COLUMNS = ["code", "name", "unit", "categories", "pence_per_unit", "effective_from", "source_note", "is_default"]
MAX_ROWS = 5000
MAX_ERRORS_SHOWN = 50
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
# Spreadsheets run a cell that starts with one of these as a formula: export it behind a quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WHOLE = re.compile(r"^\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CsvImportFailed(Invalid):
    """The file had problems; nothing was imported. `errors` lists each one by row."""

    def __init__(self, errors: list[str]):
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(f"And {len(errors) - MAX_ERRORS_SHOWN:,} more problems")
        super().__init__("The file was not imported. Fix these problems and try again", "file")
        self.errors = shown


@dataclass
class ImportSummary:
    """What an import changed."""

    measures_created: int = 0
    measures_updated: int = 0
    values_added: int = 0
    values_already_present: int = 0

    def describe(self) -> str:
        """The summary in a sentence."""
        def n(count, one, many):
            """A count with the right noun."""
            return f"{count:,} {one if count == 1 else many}"
        return (f"Imported {n(self.measures_created, 'new measure', 'new measures')}, "
                f"updated {n(self.measures_updated, 'measure', 'measures')} and added "
                f"{n(self.values_added, 'proxy value', 'proxy values')}. "
                f"{n(self.values_already_present, 'proxy value was', 'proxy values were')} already there.")


@dataclass
class _Row:
    """One checked row of the file."""

    number: int
    measure: MeasureInput
    proxy: ProxyInput | None
    problems: list[str] = field(default_factory=list)


# --- export -----------------------------------------------------------------------------------------------------

def _safe_cell(value: str) -> str:
    """Stop a spreadsheet running a cell as a formula; the import takes the quote off again."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _unsafe_cell(value: str) -> str:
    """Undo _safe_cell."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def export_measures_csv() -> str:
    """Every measure and every proxy value, one row per value (or one row for a measure with none)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for measure in db.session.scalars(select(Measure).order_by(Measure.code)):
        base = [measure.code, measure.name, measure.unit, ";".join(c.value for c in measure.categories)]
        rows = [[str(p.pence_per_unit), p.effective_from.isoformat(), p.source_note, "yes" if p.is_default else "no"]
                for p in measure.proxy_values] or [["", "", "", ""]]
        for rest in rows:
            writer.writerow([_safe_cell(cell) for cell in base + rest])
    return out.getvalue()


# --- import -----------------------------------------------------------------------------------------------------

def decode_upload(data: bytes) -> str:
    """An uploaded file's text; it must be UTF-8 (a byte order mark from Excel is fine)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The selected file must be a CSV file saved as UTF-8", "file") from None


def _read_rows(text: str) -> list[dict]:
    """The file's rows as dicts, after checking the header."""
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if not header:
            raise CsvImportFailed(["The file is empty"])
        missing = [c for c in COLUMNS if c not in header]
        unknown = [h for h in header if h not in COLUMNS]
        if missing or unknown:
            raise CsvImportFailed(
                [f"Row 1: the file is missing the column {c}" for c in missing]
                + [f"Row 1: the column {h or '(blank)'} is not one we know" for h in unknown]
                + [f"The first row must name the columns: {','.join(COLUMNS)}"])
        reader.fieldnames = header
        rows = list(reader)
    except csv.Error as error:
        raise CsvImportFailed([f"The file is not a CSV file we can read ({error})"]) from None
    if not rows:
        raise CsvImportFailed(["The file has no measures in it, only the column names"])
    if len(rows) > MAX_ROWS:
        raise CsvImportFailed([f"The file has {len(rows):,} rows; import at most {MAX_ROWS:,} at a time"])
    return rows


def _categories(text: str) -> list[NeedCategory]:
    """Semicolon-separated need categories."""
    allowed = ", ".join(c.value for c in NeedCategory)
    names = [part.strip().lower() for part in text.split(";") if part.strip()]
    if not names:
        raise Invalid(f"categories must name at least one of {allowed}", "categories")
    unknown = [n for n in names if n not in {c.value for c in NeedCategory}]
    if unknown:
        raise Invalid(f"categories must be from {allowed}, not {', '.join(unknown)}", "categories")
    return [NeedCategory(n) for n in names]


def _proxy(raw: dict, problems: list[str]) -> ProxyInput | None:
    """The row's proxy value, or None when it has none; problems are appended."""
    pence_text, day_text = raw["pence_per_unit"], raw["effective_from"]
    if not pence_text and not day_text:
        if raw["source_note"] or raw["is_default"].lower() in YES:
            problems.append("a source note or is_default needs a pence_per_unit and effective_from")
        return None
    pence = day = None
    if not _WHOLE.match(pence_text):
        problems.append("pence_per_unit must be a whole number of pence, like 1221 for £12.21"
                        if pence_text else "enter pence_per_unit, or leave effective_from empty too")
    else:
        try:
            pence = check_pence(int(pence_text))
        except Invalid:
            problems.append("pence_per_unit must be 1000000000 (£10,000,000) or less")
    try:
        if not _ISO_DATE.match(day_text):
            raise ValueError
        day = date.fromisoformat(day_text)
    except ValueError:
        problems.append("effective_from must be a real date written like 2025-04-01"
                        if day_text else "enter effective_from, or leave pence_per_unit empty too")
    if raw["is_default"].lower() not in YES | NO:
        problems.append("is_default must be yes or no")
    try:
        note = clean_source_note(raw["source_note"])
    except Invalid as error:
        problems.append(_lower_first(error.message))
        note = ""
    if pence is None or day is None:
        return None
    return ProxyInput(pence, day, note, is_default=raw["is_default"].lower() in YES)


def _lower_first(message: str) -> str:
    """A service message made to follow "Row 4: "."""
    return message[0].lower() + message[1:]


def _check_row(number: int, raw: dict) -> _Row:
    """One row's values checked on their own."""
    problems: list[str] = []
    if raw.get(None):
        problems.append(f"has more cells than the {len(COLUMNS)} columns; put quotes around text with commas in it")
    raw = {key: _unsafe_cell((raw.get(key) or "").strip()) for key in COLUMNS}
    code = categories = None
    try:
        code = clean_code(raw["code"])
    except Invalid as error:
        problems.append(_lower_first(error.message))
    try:
        categories = _categories(raw["categories"])
    except Invalid as error:
        problems.append(error.message)
    measure = MeasureInput(name=raw["name"], unit=raw["unit"], categories=categories or [NeedCategory.OTHER],
                           code=code or "")
    try:
        measure = clean_measure(measure)
        measure.code = code or ""
    except Invalid as error:
        problems.append(_lower_first(error.message))
    return _Row(number, measure, _proxy(raw, problems), problems)


def _check_consistency(rows: list[_Row]) -> None:
    """Rows for the same measure must agree, and two rows may not give one date different values."""
    first: dict[str, _Row] = {}
    seen: dict[tuple[str, date], _Row] = {}
    for row in rows:
        if row.problems or not row.measure.code:
            continue
        code = row.measure.code
        earlier = first.setdefault(code, row)
        for key in ("name", "unit", "categories"):
            if getattr(row.measure, key) != getattr(earlier.measure, key):
                row.problems.append(f"{key} for {code} differs from row {earlier.number}")
        if row.proxy is not None:
            other = seen.setdefault((code, row.proxy.effective_from), row)
            if other is not row and other.proxy.pence_per_unit != row.proxy.pence_per_unit:
                row.problems.append(f"{code} has a different pence_per_unit for "
                                    f"{row.proxy.effective_from.isoformat()} in row {other.number}")


def _check_against_saved(rows: list[_Row], saved: dict[str, Measure]) -> None:
    """A saved proxy value may be repeated, never changed."""
    for row in rows:
        measure = saved.get(row.measure.code)
        if row.problems or row.proxy is None or measure is None:
            continue
        existing = next((p for p in measure.proxy_values if p.effective_from == row.proxy.effective_from), None)
        if existing is not None and existing.pence_per_unit != row.proxy.pence_per_unit:
            row.problems.append(
                f"{measure.code} already has {existing.pence_per_unit} pence from {existing.effective_from.isoformat()}; "
                "saved proxy values are never changed, so add the new value with a later effective_from")


def _apply(rows: list[_Row], saved: dict[str, Measure], actor: User) -> ImportSummary:
    """Create and update measures and add new proxy values from checked rows."""
    summary = ImportSummary()
    done: set[str] = set()
    for row in rows:
        code = row.measure.code
        measure = saved.get(code)
        if measure is None:
            measure = saved[code] = new_measure(row.measure)
            db.session.add(measure)
            db.session.flush()
            record_audit(actor, "measure.created", measure, code=code, source="csv")
            summary.measures_created += 1
            done.add(code)
        elif code not in done:
            changes = apply_measure_changes(measure, row.measure, with_description=False)
            if changes:
                record_audit(actor, "measure.updated", measure, changes=changes, source="csv")
                summary.measures_updated += 1
            done.add(code)
        if row.proxy is None:
            continue
        if any(p.effective_from == row.proxy.effective_from for p in measure.proxy_values):
            summary.values_already_present += 1
            continue
        proxy = build_proxy_value(measure, row.proxy, actor)
        db.session.flush()
        record_audit(actor, "proxy_value.added", proxy, measure=code, pence_per_unit=proxy.pence_per_unit,
                     effective_from=proxy.effective_from.isoformat(), source="csv")
        summary.values_added += 1
    return summary


def import_measures_csv(text: str, actor: User) -> ImportSummary:
    """Check every row, then import all of them or none: new measures, changed names and new proxy values."""
    require_admin(actor)
    rows = [_check_row(number, raw) for number, raw in enumerate(_read_rows(text), start=2)]
    _check_consistency(rows)
    codes = {row.measure.code for row in rows if row.measure.code}
    saved = {m.code: m for m in db.session.scalars(select(Measure).where(Measure.code.in_(codes)).with_for_update())}
    _check_against_saved(rows, saved)
    errors = [f"Row {row.number}: {problem}" for row in rows for problem in row.problems]
    if errors:
        db.session.rollback()
        raise CsvImportFailed(errors)
    try:
        summary = _apply(rows, saved, actor)
        db.session.commit()
    except IntegrityError:
        # Another admin added the same measure or value a moment ago: nothing of this file is kept.
        db.session.rollback()
        raise CsvImportFailed(["Someone else changed the measures while this file was being imported. "
                               "Nothing was imported: try again"]) from None
    return summary
