"""The council overview page and its tables as CSV."""
from datetime import date

from flask import abort, render_template
from flask_login import current_user

from app.formatting import pounds_decimal
from app.queries.overview import council_overview, entries_in_period
from app.queries.reports import FinancialYear, ledger_csv_file
from app.reports import bp
from app.reports.period import period_choice
from app.web.csv_download import csv_file_response, csv_response

CSV_TABLES = ("entries", "theme", "area", "measure", "supplier", "month", "needs-by-kind", "needs-by-area", "timings",
              "oldest-open-needs")


@bp.get("/overview")
def overview():
    """Confirmed social value and needs for a period (this financial year unless another is chosen)."""
    today = date.today()
    choice = period_choice(today)
    years = [FinancialYear.starting(year) for year in range(FinancialYear.of(today).start.year, 2019, -1)]
    return render_template("reports/overview.html", overview=council_overview(current_user.organisation_id,
                                                                              choice.period),
                           choice=choice, years=years, csv_tables=CSV_TABLES), 400 if choice.errors else 200


def _table_rows(overview, key: str):
    """A table's header and rows for its CSV."""
    if key in ("theme", "area", "measure", "supplier", "month"):
        table = overview.table(key)
        header = [key.capitalize(), "Confirmed (£)", "Deliveries", "Units", "Unit", "Counted in units only"]
        rows = [[r.label, pounds_decimal(r.pence), r.entries, r.units, r.unit,
                 r.counted_in_units_only if r.units is not None else None]
                for r in table.rows + ([table.unassigned] if table.unassigned else [])]
        return header, rows
    if key.startswith("needs-by-"):
        outcomes = overview.needs_by_kind if key == "needs-by-kind" else overview.needs_by_area
        return (["Kind" if key == "needs-by-kind" else "Area", "Posted", "Met", "Expired", "Still open",
                 "Closed or withdrawn"],
                [[o.label, o.posted, o.met, o.expired, o.still_open, o.closed] for o in outcomes])
    if key == "timings":
        return (["Measure", "Needs", "Median days", "90th percentile days"],
                [[t.label, t.needs, t.median, t.p90] for t in overview.timings])
    return (["Need", "Organisation", "Area", "Published", "Needed by"],
            [[n.title, n.organisation.name, n.area.name, n.opened_at.date(), n.needed_by]
             for n in overview.oldest_open])


@bp.get("/overview/<key>.csv")
def overview_csv(key: str):
    """One table of the overview as CSV, for the same period."""
    if key not in CSV_TABLES:
        abort(404)
    choice = period_choice(date.today())
    if choice.errors:
        abort(400)
    filename = f"overview-{key}-{choice.period.start}-to-{choice.period.end}.csv"
    if key == "entries":
        entries = entries_in_period(current_user.organisation_id, choice.period)
        return csv_file_response(filename, ledger_csv_file(*entries))
    return csv_response(filename, *_table_rows(council_overview(current_user.organisation_id, choice.period), key))
