"""The public impact page and the annual report in a real browser, with axe at 1280px and 320px on every page.

A visitor reads the impact page (charts, tables, a published story) from the home page's link; a contract manager
opens the annual report from its plain address, ticks a published case study and sees it in the report.
"""
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import CaseStudy, CaseStudyStatus, LedgerEntry, User
from app.queries.reports import FinancialYear
from tests.factories_impact import random_ledger

LAST_YEAR = FinancialYear.of(date.today()).start.year - 1


def _publish_stories(app, entries: list[int]) -> None:
    """Publish a case study for the first counting delivery of each financial year the entries fall in."""
    with app.app_context():
        reversed_ids = select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
        years = set()
        for entry in db.session.scalars(select(LedgerEntry).where(
                LedgerEntry.id.in_(entries), ~LedgerEntry.id.in_(reversed_ids)).order_by(LedgerEntry.id)):
            year = FinancialYear.of(entry.delivered_on).start.year
            if year in years:
                continue
            years.add(year)
            db.session.add(CaseStudy(pledge_id=entry.pledge_id, ledger_entry_id=entry.id,
                                     story="The room is warm again.", edited_story=f"Story from {year}: warm again.",
                                     status=CaseStudyStatus.PUBLISHED, consent_by_id=entry.confirmed_by_id))
        db.session.commit()
        db.session.remove()


def test_the_impact_page_and_the_annual_report_are_accessible(site, app, make):
    world = random_ledger(app, make, seed=51, year=LAST_YEAR, entries=30)
    _publish_stories(app, world.entries)

    site.visit("/")
    site.follow(site.page.get_by_role("link", name="See the social value delivered so far"))
    page = site.page
    assert page.get_by_role("heading", level=1).inner_text().endswith("Social value delivered")
    assert page.get_by_role("table", name="By area").is_visible()
    assert page.get_by_role("table", name="Measures and proxy values used").is_visible()

    manager = make.get(User, world.manager)
    site.sign_in(manager.email)
    site.visit("/reports/annual")
    assert site.path() == f"/reports/annual/{LAST_YEAR}"
    assert page.get_by_role("img", name="Confirmed social value through the year").is_visible()
    checkbox = page.locator("input[name=case_study_ids]").first
    checkbox.check()
    site.follow(page.get_by_role("button", name="Save the choice of case studies"))
    assert page.get_by_text("The report’s case studies are saved.").is_visible()
    assert page.get_by_text(f"Story from {LAST_YEAR}: warm again.").is_visible()
    site.finish(at_least=5)
