"""Measures and proxy values as CSV: export, all-or-nothing import, and a faithful round trip."""
import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Measure, MeasureCategory, ProxyValue, User
from app.services.measures_csv import COLUMNS, CsvImportFailed, decode_upload, export_measures_csv, import_measures_csv
from app.errors import Invalid
from app.services.reference_defaults import load_default_reference

HEADER = ",".join(COLUMNS) + "\n"


@pytest.fixture
def admin_id(make):
    """A council admin."""
    return make.council_user("admin")


def _import(app, admin_id: int, text: str):
    """Run the import as the admin; return its summary."""
    with app.app_context():
        return import_measures_csv(text, db.session.get(User, admin_id))


def _export(app) -> str:
    """The export as text."""
    with app.app_context():
        return export_measures_csv()


def _counts(app) -> tuple[int, int]:
    """How many measures and proxy values there are."""
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Measure)),
                db.session.scalar(select(func.count()).select_from(ProxyValue)))


def _empty_measures() -> None:
    """Delete every measure, category row and proxy value (inside an app context)."""
    for model in (ProxyValue, MeasureCategory, Measure):
        db.session.execute(model.__table__.delete())
    db.session.commit()


def _errors(app, admin_id: int, text: str) -> list[str]:
    """The row errors an import is refused with."""
    with pytest.raises(CsvImportFailed) as raised:
        _import(app, admin_id, text)
    return raised.value.errors


def test_export_has_one_row_per_value_and_one_for_a_measure_without_values(app, make):
    measure_id = make.measure(code="VOL-HOURS", categories=("volunteers", "advice"), pence=1221)
    make.measure(code="PUPILS", pence=None, unit="pupil")
    with app.app_context():
        db.session.add(ProxyValue(measure_id=measure_id, pence_per_unit=1300, effective_from=date(2026, 4, 1),
                                  source_note="Rate card, 2026", is_default=True))
        db.session.commit()
    rows = list(csv.DictReader(io.StringIO(_export(app))))
    assert [(r["code"], r["pence_per_unit"], r["effective_from"], r["is_default"]) for r in rows] == [
        ("PUPILS", "", "", ""), ("VOL-HOURS", "1221", "2025-04-01", "no"), ("VOL-HOURS", "1300", "2026-04-01", "yes")]
    assert rows[1]["categories"] == "volunteers;advice"
    assert rows[2]["source_note"] == "Rate card, 2026"


def test_round_trip_into_an_empty_database_gives_the_same_export(app, make, admin_id):
    with app.app_context():
        load_default_reference(with_areas=False)
        measure = db.session.scalars(select(Measure).where(Measure.code == "VOL-HOURS")).one()
        db.session.add(ProxyValue(measure=measure, pence_per_unit=1250, effective_from=date(2026, 4, 1),
                                  source_note='=HYPERLINK("x") with "quotes", commas\nand a new line'))
        db.session.commit()
    exported = _export(app)
    with app.app_context():
        _empty_measures()
    assert _counts(app) == (0, 0)
    summary = _import(app, admin_id, exported)
    assert (summary.measures_created, summary.values_added) == (17, 17)
    assert _export(app) == exported


def test_export_defuses_spreadsheet_formulas_and_import_restores_them(app, make, admin_id):
    measure_id = make.measure(code="VOL-HOURS")
    with app.app_context():
        db.session.get(Measure, measure_id).name = "=1+1"
        db.session.commit()
    exported = _export(app)
    assert ",'=1+1," in exported
    with app.app_context():
        _empty_measures()
    _import(app, admin_id, exported)
    with app.app_context():
        assert db.session.scalars(select(Measure.name)).one() == "=1+1"


def test_import_creates_updates_and_adds_without_touching_saved_values(app, make, admin_id):
    measure_id = make.measure(code="VOL-HOURS", pence=1221)
    with app.app_context():
        before = db.session.scalars(select(ProxyValue)).one()
        saved = (before.id, before.pence_per_unit, before.source_note, before.is_default, before.created_at)
    text = HEADER + (
        "VOL-HOURS,Volunteering,hour,volunteers;equipment,1221,2025-04-01,A different note,yes\n"
        "VOL-HOURS,Volunteering,hour,volunteers;equipment,1300,2026-04-01,New rate,no\n"
        "NEW-ONE,New measure,item,other,,,,\n")
    summary = _import(app, admin_id, text)
    assert (summary.measures_created, summary.measures_updated, summary.values_added,
            summary.values_already_present) == (1, 1, 1, 1)
    with app.app_context():
        measure = db.session.get(Measure, measure_id)
        assert (measure.name, [c.value for c in measure.categories]) == ("Volunteering", ["volunteers", "equipment"])
        old = db.session.get(ProxyValue, saved[0])
        assert (old.id, old.pence_per_unit, old.source_note, old.is_default, old.created_at) == saved
        assert [p.pence_per_unit for p in measure.proxy_values] == [1221, 1300]
        assert db.session.scalars(select(Measure).where(Measure.code == "NEW-ONE")).one().proxy_values == []
        actions = sorted(db.session.scalars(select(AuditEvent.action)))
        assert actions == ["measure.created", "measure.updated", "proxy_value.added"]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(app, make, admin_id):
    make.measure(code="VOL-HOURS")
    exported = _export(app)
    summary = _import(app, admin_id, exported)
    assert (summary.measures_created, summary.measures_updated, summary.values_added,
            summary.values_already_present) == (0, 0, 0, 1)


def test_a_bad_row_imports_nothing_and_names_the_row(app, admin_id):
    text = HEADER + (
        "GOOD,Good measure,hour,volunteers,100,2025-04-01,,no\n"
        "ALSO-GOOD,Another,hour,advice,200,2025-04-01,,no\n"
        "BAD,Bad measure,hour,volunteers,12.5,2025-04-01,,no\n")
    assert _errors(app, admin_id, text) == [
        "Row 4: pence_per_unit must be a whole number of pence, like 1221 for £12.21"]
    assert _counts(app) == (0, 0)


@pytest.mark.parametrize("row, problem", [
    (",Name,hour,volunteers,100,2025-04-01,,no", "Row 2: enter a code"),
    ("BAD CODE,Name,hour,volunteers,100,2025-04-01,,no", "Row 2: code must use only letters, numbers and hyphens"),
    ("X,,hour,volunteers,100,2025-04-01,,no", "Row 2: enter a name"),
    ("X,Name,,volunteers,100,2025-04-01,,no", "Row 2: enter a unit"),
    ("X,Name,hour,,100,2025-04-01,,no", "Row 2: categories must name at least one of space, volunteers"),
    ("X,Name,hour,volunteers;cake,100,2025-04-01,,no", "Row 2: categories must be from space, volunteers, advice, equipment, other, not cake"),
    ("X,Name,hour,volunteers,-1,2025-04-01,,no", "Row 2: pence_per_unit must be a whole number of pence"),
    ("X,Name,hour,volunteers,100,01/04/2025,,no", "Row 2: effective_from must be a real date written like 2025-04-01"),
    ("X,Name,hour,volunteers,100,2025-02-30,,no", "Row 2: effective_from must be a real date"),
    ("X,Name,hour,volunteers,100,,,no", "Row 2: enter effective_from, or leave pence_per_unit empty too"),
    ("X,Name,hour,volunteers,,2025-04-01,,no", "Row 2: enter pence_per_unit, or leave effective_from empty too"),
    ("X,Name,hour,volunteers,100,2025-04-01,,maybe", "Row 2: is_default must be yes or no"),
    ("X,Name,hour,volunteers,99999999999,2025-04-01,,no", "Row 2: pence_per_unit must be 1000000000"),
    ("X,Name,hour,volunteers,100,2025-04-01,,no,extra", "Row 2: has more cells than the 8 columns"),
])
def test_each_kind_of_bad_row_is_explained(app, admin_id, row, problem):
    errors = _errors(app, admin_id, HEADER + row + "\n")
    assert any(e.startswith(problem) for e in errors), errors
    assert _counts(app) == (0, 0)


def test_rows_for_one_measure_must_agree_and_one_date_has_one_value(app, admin_id):
    text = HEADER + (
        "X,Name,hour,volunteers,100,2025-04-01,,no\n"
        "X,Other name,hour,volunteers,200,2026-04-01,,no\n"
        "X,Name,hour,volunteers,300,2025-04-01,,no\n")
    errors = _errors(app, admin_id, text)
    assert errors == ["Row 3: name for X differs from row 2",
                      "Row 4: X has a different pence_per_unit for 2025-04-01 in row 2"]


def test_a_changed_value_for_a_saved_date_is_refused(app, make, admin_id):
    make.measure(code="VOL-HOURS", pence=1221)
    text = HEADER + "VOL-HOURS,Measure,hour,volunteers,1300,2025-04-01,,no\n"
    errors = _errors(app, admin_id, text)
    assert errors[0].startswith("Row 2: VOL-HOURS already has 1221 pence from 2025-04-01; saved proxy values are never changed")
    with app.app_context():
        assert db.session.scalars(select(ProxyValue.pence_per_unit)).all() == [1221]


@pytest.mark.parametrize("text, problem", [
    ("", "The file is empty"),
    (HEADER, "The file has no measures in it"),
    ("code,name,unit\nX,Y,Z\n", "Row 1: the file is missing the column categories"),
])
def test_a_file_of_the_wrong_shape_is_refused(app, admin_id, text, problem):
    assert any(e.startswith(problem) for e in _errors(app, admin_id, text))


def test_header_case_byte_order_mark_and_spaces_are_forgiven(app, admin_id):
    text = "\ufeff" + ",".join(c.upper() for c in COLUMNS) + "\r\n VOL-HOURS , Volunteering ,hour, Volunteers ,1221,2025-04-01,,\r\n"
    summary = _import(app, admin_id, decode_upload(text.encode("utf-8")))
    assert (summary.measures_created, summary.values_added) == (1, 1)


def test_a_file_that_is_not_utf8_is_refused(app):
    with pytest.raises(Invalid, match="UTF-8"):
        decode_upload("café".encode("latin-1"))


def test_many_errors_are_capped_with_a_count_of_the_rest(app, admin_id):
    text = HEADER + "".join(f"X{i},Name,hour,cake,1,2025-04-01,,no\n" for i in range(60))
    errors = _errors(app, admin_id, text)
    assert len(errors) == 51 and errors[-1] == "And 10 more problems"
