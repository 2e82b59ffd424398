"""The annual report's figures as a zip of CSV files (one per table) with a README describing them."""
import io
import zipfile

from flask import url_for

from app.formatting import pounds_decimal
from app.queries.annual_report import AnnualReport
from app.reports.overview import _table_rows
from app.csv_format import csv_text

OVERVIEW_TABLES = ("theme", "area", "measure", "supplier", "needs-by-kind", "needs-by-area", "timings")

README = """Social value report for the financial year {label} (1 April {start} to 31 March {end})
{council}

These files hold the figures in the annual social value report, one CSV file per table. Each is UTF-8 with a
byte order mark (so spreadsheets read it correctly), has a header row, gives dates as YYYY-MM-DD and pounds as
decimal numbers. A cell that would begin with =, +, -, @, a tab or a carriage return starts with an apostrophe,
so a spreadsheet shows it as text instead of running it.

How the figures are worked out
- Every pound is a sum of ledger entries on the council's contracts. An entry is written only when the group
  that received the help confirms the delivery, at the measure's proxy value on the delivery date.
- An entry counts in the year its delivery date falls in. A reversal corrects a wrong entry: it counts
  negatively, in the year of the delivery it reverses. Deliveries are net of reversals.
- A delivery's themes and area are those of the need it met, or of the standing offer it answered. An offer can
  serve several, so the theme and area tables can overlap (their rows then add up to more than the total).
- A need is met when its confirmed deliveries, net of reversals, cover what it asked for; it counts in the year
  of its latest delivery that still counts.
- Contract value in the year spreads each contract's value evenly over its term.
- Measures with no proxy value are counted in units only (0 pounds).

The files
- headline.csv: the headline figures.
- month.csv: confirmed value by month of delivery, with the running total.
- theme.csv, area.csv, measure.csv, supplier.csv: confirmed value by theme, area, measure and supplier.
  "No theme" and "No area" rows hold deliveries with none, so each table can be reconciled with the total.
- needs-by-kind.csv, needs-by-area.csv: needs published in the year and what has become of them since.
- timings.csv: days from a need's publication to its first pledge and to its first confirmed delivery
  (median and 90th percentile, nearest-rank).
- proxy-values.csv: each measure at each proxy value the year's entries used, with its source, the units
  and the pounds: units times the value per unit gives the pounds (each entry is rounded to the penny).
- case-studies.csv: the published case studies the council chose for the report.
"""


def _headline(report: AnnualReport):
    """The headline figures as (figure, value) rows."""
    o = report.overview
    return (["Figure", "Value"], [
        ["Financial year", report.year.label], ["From", report.year.start], ["To", report.year.end],
        ["Confirmed social value (£)", pounds_decimal(o.total.pence)], ["Deliveries", o.total.entries],
        ["Reversals", o.reversals.entries], ["Reversals (£)", pounds_decimal(o.reversals.pence)],
        ["Contract value in the year (£)", pounds_decimal(o.contract_value_pence)],
        ["Social value per £1 of contract value (£)", o.pounds_per_pound],
        ["Social value as % of contract value", o.percent_of_value], ["Needs met", report.needs_met]])


def _month(report: AnnualReport):
    """Confirmed value by month with the running total."""
    return (["Month", "Confirmed (£)", "Running total (£)", "Deliveries"],
            [[f"{m.month:%Y-%m}", pounds_decimal(m.pence), pounds_decimal(m.running_pence), m.deliveries]
             for m in report.months])


def _proxies(report: AnnualReport):
    """The measures and proxy values used, with their sources and sums."""
    return (["Measure code", "Measure", "Unit", "Proxy value per unit (£)", "In force from", "Source", "Deliveries",
             "Units", "Confirmed (£)"],
            [[p.code, p.measure, p.unit, pounds_decimal(p.pence_per_unit), p.effective_from, p.source, p.deliveries,
              p.units, pounds_decimal(p.pence)] for p in report.proxies])


def _case_studies(report: AnnualReport):
    """The chosen case studies with a link to each one's public page."""
    return (["Case study", "For", "Group helped", "Help given by", "Delivered on", "Confirmed (£)", "Story", "Link"],
            [[s.id, s.need_title, s.vcse_name, s.supplier_name, s.delivered_on, pounds_decimal(s.value_pence),
              s.story, url_for("public.case_study", story_id=s.id, _external=True)] for s in report.chosen])


def annual_bundle(report: AnnualReport, council: str) -> bytes:
    """The zip file: README.txt and one CSV per table."""
    files = {"headline.csv": _headline(report), "month.csv": _month(report)}
    files.update({f"{key}.csv": _table_rows(report.overview, key) for key in OVERVIEW_TABLES})
    files.update({"proxy-values.csv": _proxies(report), "case-studies.csv": _case_studies(report)})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        fy = report.year
        bundle.writestr("README.txt", README.format(label=fy.label, start=fy.start.year, end=fy.end.year,
                                                    council=council).replace("\n", "\r\n"))
        for name, (header, rows) in files.items():
            bundle.writestr(name, "".join(csv_text(header, rows)).encode("utf-8"))
    return out.getvalue()
