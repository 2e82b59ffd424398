"""The annual social value report: every figure recomputed from ledger rows; financial years 1 April to 31 March;
the choice of case studies; the CSV bundle; years that cannot be reported on are 404."""
import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.formatting import long_date, pounds, with_unit
from app.models import AuditEvent, AnnualReportCaseStudy, CaseStudy, CaseStudyStatus, LedgerEntry
from app.queries.reports import FinancialYear, months
from tests.conftest import login_as, post_form
from tests.factories_impact import Oracle, add_entry, add_reversal, page_tables, random_ledger

TODAY = date.today()
LAST_YEAR = FinancialYear.of(TODAY).start.year - 1
FY = FinancialYear.starting(LAST_YEAR)


def _report(client, year: int = LAST_YEAR) -> str:
    """The report page for a year, which must answer 200."""
    response = client.get(f"/reports/annual/{year}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _contract_value(year: FinancialYear) -> int:
    """What random_ledger's two council contracts are worth in a year: value spread evenly over the term."""
    starts, ends = date(LAST_YEAR - 2, 6, 1), date(LAST_YEAR + 3, 5, 31)
    overlap = (min(ends, year.end) - max(starts, year.start)).days + 1
    return int(2 * Decimal(250_000_000) * overlap / ((ends - starts).days + 1))


def _with_published_case_studies(app, world, stories: list[str]) -> list[int]:
    """Publish a case study for each of the first counting deliveries in the year; their ids."""
    with app.app_context():
        reversed_ids = select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
        entries = db.session.scalars(select(LedgerEntry).where(
            LedgerEntry.id.in_(world.entries), LedgerEntry.reverses_id.is_(None), ~LedgerEntry.id.in_(reversed_ids),
            LedgerEntry.delivered_on >= FY.start, LedgerEntry.delivered_on <= FY.end)
            .order_by(LedgerEntry.id)).all()
        made = []
        for entry, story in zip(entries, stories, strict=False):
            case_study = CaseStudy(pledge_id=entry.pledge_id, ledger_entry_id=entry.id, story=story, edited_story=story,
                                   status=CaseStudyStatus.PUBLISHED, consent_by_id=entry.confirmed_by_id)
            db.session.add(case_study)
            db.session.flush()
            made.append(case_study.id)
        db.session.commit()
        db.session.remove()
    assert len(made) == len(stories)
    return made


@pytest.mark.parametrize("seed", [11, 12])
def test_every_figure_on_the_annual_report_is_the_ledger_recomputed(client, app, make, seed):
    world = random_ledger(app, make, seed=seed, year=LAST_YEAR, entries=45)
    oracle = Oracle(app, world.council)
    login_as(client, app, world.manager)
    html = _report(client)
    tables = page_tables(html)

    total = oracle.total(FY.start, FY.end)
    assert total.deliveries > 0
    value = _contract_value(FY)
    assert f'app-stat__value">{pounds(total.pence)}<' in html
    assert f'app-stat__value">{total.deliveries}<' in html
    assert f'app-stat__value">{oracle.needs_met(FY.start, FY.end)}<' in html
    assert f"Contract value in the year: {pounds(value)}." in html
    per_pound = (Decimal(total.pence) / value).quantize(Decimal("0.01"))
    percent = (Decimal(total.pence) * 100 / value).quantize(Decimal("0.1"))
    assert f'app-stat__value">£{per_pound}<' in html and f'app-stat__value">{percent}%<' in html

    by_month, running, want = oracle.by_month(FY.start, FY.end), 0, []
    for month in months(FY.start, FY.end):
        sums = by_month.get(month)
        running += sums.pence if sums else 0
        want.append([f"{month:%B %Y}", pounds(sums.pence if sums else 0), pounds(running),
                     str(sums.deliveries if sums else 0)])
    assert tables["The chart’s figures: confirmed value by month of delivery"] == want
    assert running == total.pence

    for key, title in (("area", "By area"), ("theme", "By theme")):
        found, none = oracle.by(key, FY.start, FY.end)
        rows = [[label, pounds(s.pence), str(s.deliveries), ""] for label, s in found.items()]
        rows += [[f"No {key}", pounds(none.pence), str(none.deliveries), ""]] if none.deliveries else []
        assert sorted(tables[title]) == sorted(rows), title
    measures = oracle.by_measure(FY.start, FY.end)
    units = {m["name"]: m["unit"] for m in oracle.measures.values()}
    assert sorted([r[0], r[1].split(" no proxy")[0], r[2], r[3]] for r in tables["By measure"]) == sorted(
        [name, pounds(s.pence), with_unit(s.units, units[name]), str(s.deliveries)] for name, s in measures.items())

    proxies = []
    for (code, per_unit, since, source), sums in oracle.proxies_used(FY.start, FY.end).items():
        measure = next(m for m in oracle.measures.values() if m["code"] == code)
        proxies.append([f"{measure['name']} {code}, per {measure['unit']}",
                        pounds(per_unit) if per_unit else "None: counted in units", long_date(since) if since else "—",
                        source or "Not recorded", with_unit(sums.units, measure["unit"]), pounds(sums.pence)])
    assert sorted(tables["Measures and proxy values used in the year"]) == sorted(proxies)
    assert "Other Borough Council" not in html and "Elsewhere Ltd" not in html


def test_31_march_ends_the_old_year_and_1_april_starts_the_new(client, app, make):
    world = random_ledger(app, make, seed=3, year=LAST_YEAR, entries=0)
    with app.app_context():
        for day, quantity in ((date(LAST_YEAR, 3, 31), "1"), (date(LAST_YEAR, 4, 1), "2"),
                              (date(LAST_YEAR + 1, 3, 31), "4"), (date(LAST_YEAR + 1, 4, 1), "8")):
            add_entry(world, world.commitments[0], None, None, Decimal(quantity), day)
        reversed_one = add_entry(world, world.commitments[0], None, None, Decimal("16"), date(LAST_YEAR + 1, 3, 31))
        add_reversal(world, reversed_one)
        db.session.commit()
        db.session.remove()
    login_as(client, app, world.manager)
    html = _report(client)
    # 2 + 4 hours at this year's £13.00 (from 1 April); the reversed 16 hours net out.
    assert f'app-stat__value">{pounds(6 * 1300)}<' in html
    assert 'app-stat__value">2<' in html
    assert f'app-stat__value">{pounds(1221)}<' in _report(client, LAST_YEAR - 1)
    if LAST_YEAR + 1 <= FinancialYear.of(TODAY).start.year:
        assert f'app-stat__value">{pounds(8 * 1300)}<' in _report(client, LAST_YEAR + 1)


def test_staff_choose_which_published_case_studies_appear(client, app, make):
    world = random_ledger(app, make, seed=21, year=LAST_YEAR, entries=30)
    first, second = _with_published_case_studies(app, world, ["The hall is warm again", "Forty trees planted"])
    login_as(client, app, world.moderator)
    assert "No case studies have been chosen for this report." in _report(client)

    response = post_form(client, f"/reports/annual/{LAST_YEAR}/case-studies", {"case_study_ids": [str(second)]},
                         page=f"/reports/annual/{LAST_YEAR}")
    assert response.status_code == 303
    html = _report(client)
    assert "Forty trees planted" in html and "The hall is warm again</p>" not in html
    with app.app_context():
        chosen = db.session.scalars(select(AnnualReportCaseStudy)).all()
        assert [(c.year, c.case_study_id, c.chosen_by_id, c.buyer_id) for c in chosen] == [
            (LAST_YEAR, second, world.moderator, world.council)]
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "annual_report.case_studies_chosen")).one()
        assert event.actor_id == world.moderator and event.data["case_study_ids"] == [second]
        db.session.remove()

    # A case study that is not published for this year is refused with a message; nothing changes.
    refused = post_form(client, f"/reports/annual/{LAST_YEAR}/case-studies",
                        {"case_study_ids": [str(first), "999999"]}, page=f"/reports/annual/{LAST_YEAR}")
    assert refused.status_code == 422
    assert "Choose from the case studies published for this year" in refused.get_data(as_text=True)
    assert "Forty trees planted" in _report(client)

    # Unticking every box chooses none.
    assert post_form(client, f"/reports/annual/{LAST_YEAR}/case-studies", {},
                     page=f"/reports/annual/{LAST_YEAR}").status_code == 303
    assert "No case studies have been chosen for this report." in _report(client)


def test_the_csv_bundle_has_every_table_with_a_bom_a_header_and_safe_cells(client, app, make):
    world = random_ledger(app, make, seed=31, year=LAST_YEAR, entries=30)
    (story,) = _with_published_case_studies(app, world, ["=HYPERLINK(\"http://evil.example\")"])
    login_as(client, app, world.admin)
    post_form(client, f"/reports/annual/{LAST_YEAR}/case-studies", {"case_study_ids": [str(story)]},
              page=f"/reports/annual/{LAST_YEAR}")
    response = client.get(f"/reports/annual/{LAST_YEAR}.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"social-value-{LAST_YEAR}-to-{LAST_YEAR + 1}.zip" in response.headers["Content-Disposition"]
    bundle = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(bundle.namelist())
    assert names == {"README.txt", "headline.csv", "month.csv", "theme.csv", "area.csv", "measure.csv",
                     "supplier.csv", "needs-by-kind.csv", "needs-by-area.csv", "timings.csv", "proxy-values.csv",
                     "case-studies.csv"}
    readme = bundle.read("README.txt").decode()
    assert all(name in readme for name in names - {"README.txt"})
    tables = {}
    for name in names - {"README.txt"}:
        raw = bundle.read(name).decode("utf-8")
        assert raw.startswith("\ufeff"), name
        tables[name] = list(csv.reader(io.StringIO(raw[1:])))
        assert tables[name][0] and all(tables[name][0]), name

    oracle = Oracle(app, world.council)
    total = oracle.total(FY.start, FY.end)
    headline = dict(tables["headline.csv"][1:])
    assert headline["Confirmed social value (£)"] == str(Decimal(total.pence).scaleb(-2))
    assert headline["Deliveries"] == str(total.deliveries)
    assert headline["Needs met"] == str(oracle.needs_met(FY.start, FY.end))
    assert headline["From"] == FY.start.isoformat() and headline["To"] == FY.end.isoformat()
    month_rows = tables["month.csv"][1:]
    assert [r[0] for r in month_rows] == [f"{m:%Y-%m}" for m in months(FY.start, FY.end)]
    assert month_rows[-1][2] == str(Decimal(total.pence).scaleb(-2))
    themes, _ = oracle.by("theme", FY.start, FY.end)
    assert {r[0]: r[1] for r in tables["theme.csv"][1:] if r[0] != "No theme"} == {
        name: str(Decimal(s.pence).scaleb(-2)) for name, s in themes.items()}
    assert sum(Decimal(r[-1]) for r in tables["proxy-values.csv"][1:]) == Decimal(total.pence).scaleb(-2)
    case_studies = tables["case-studies.csv"]
    assert case_studies[0][:2] == ["Case study", "For"]
    assert case_studies[1][6] == "'=HYPERLINK(\"http://evil.example\")"
    assert case_studies[1][7].endswith(f"/impact/stories/{story}")


def test_the_report_starts_at_the_last_complete_year_and_offers_the_others(client, app, make):
    manager = make.council_user("contract_manager")
    login_as(client, app, manager)
    response = client.get("/reports/annual")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reports/annual/{LAST_YEAR}")
    chosen = client.get("/reports/annual?year=2021")
    assert chosen.headers["Location"].endswith("/reports/annual/2021")
    assert client.get("/reports/annual?year=1900").headers["Location"].endswith(f"/reports/annual/{LAST_YEAR}")
    html = _report(client)
    assert f'<option value="{LAST_YEAR + 1}">' in html and f'<option value="{LAST_YEAR}" selected>' in html


@pytest.mark.parametrize("year", [1999, 1, LAST_YEAR + 2, 99999999999999999999])
def test_a_year_that_cannot_be_reported_on_is_not_found(client, app, make, year):
    login_as(client, app, make.council_user("admin"))
    for path in (f"/reports/annual/{year}", f"/reports/annual/{year}.zip"):
        assert client.get(path).status_code == 404, path
    assert post_form(client, f"/reports/annual/{year}/case-studies", {}).status_code == 404


def test_each_council_sees_only_its_own_report(client, app, make):
    world = random_ledger(app, make, seed=41, year=LAST_YEAR, entries=10)
    other_manager = make.council_user("contract_manager", organisation_id=world.other_council)
    login_as(client, app, other_manager)
    html = _report(client)
    # The other council's only deliveries are 77 hours on each boundary day; two fall in the year.
    assert f'app-stat__value">{pounds(2 * 77 * 1300)}<' in html
    assert "Supplier 0" not in html and "Elsewhere Ltd" in html
