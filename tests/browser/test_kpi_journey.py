"""Published KPIs through the real pages, with axe on every page at 1280 and 320px: a contract manager publishes
three commitments of a £6m contract as KPIs (two with the buttons on the contract page, one on the commitment form),
meets the narrative rule on the rating form, records the ratings, and sees them in the contract's rating history."""
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from app.models import Measure, User
from tests import factories_contracts
from tests.browser.test_pledge_loop import fill_date

TODAY = date.today()
STARTS = TODAY - timedelta(days=200)


@pytest.fixture
def world(app, make):
    """A council's contract manager and a £6m contract with three commitments, none a KPI yet."""
    council = make.organisation(kind="buyer", name="Wyvern County Council")
    supplier = make.organisation(kind="supplier", name="Acme Highways Ltd")
    manager = make.get(User, make.council_user("contract_manager", organisation_id=council))
    contract = factories_contracts.contract(app, supplier, council, manager.id, reference="WCC-2026-070",
                                            title="Road resurfacing", starts_on=STARTS, value_pence=600_000_000,
                                            ends_on=TODAY + timedelta(days=500))
    measures = [make.get(Measure, make.measure(unit=unit)) for unit in ("hour", "day", "item")]
    commitments = [factories_contracts.commitment(app, contract, m.id, "100", due_on=TODAY + timedelta(days=200))
                   for m in measures]
    return SimpleNamespace(manager=manager, contract=contract, measures=measures, commitments=commitments)


def test_a_contract_manager_publishes_three_kpis_and_rates_them(site, world):
    page = site.page
    banner = page.locator(".govuk-notification-banner")
    first, second, third = (m.name for m in world.measures)

    site.sign_in(world.manager.email)
    site.visit(f"/contracts/{world.contract}")
    kpis = page.locator("#kpis")
    assert kpis.get_by_text("so it should publish at least three KPIs, or record why not. It publishes 0.").is_visible()
    site.follow(kpis.get_by_role("button", name=f"Publish {first} as a KPI"))
    assert banner.get_by_text(f"{first} is now a published KPI.").is_visible()
    site.follow(kpis.get_by_role("button", name=f"Publish {second} as a KPI"))

    # The third through the commitment form.
    site.visit(f"/contracts/commitments/{world.commitments[2]}/edit")
    page.get_by_label("Publish this commitment as a KPI").check()
    site.follow(page.get_by_role("button", name="Save commitment"))
    assert banner.get_by_text("Commitment saved.").is_visible()
    assert page.locator("#kpis").get_by_text("should publish at least three KPIs").count() == 0
    assert page.locator("#kpis").get_by_text("Published KPI", exact=True).count() == 3

    # Rate them: nothing confirmed yet, so each is suggested Inadequate; rating one Good needs a narrative.
    site.follow(page.get_by_role("button", name="Rate the KPIs"))
    fill_date(page, "Start of the period", STARTS)
    fill_date(page, "End of the period", TODAY)
    site.follow(page.get_by_role("button", name="Update the suggestions for these dates"))
    assert page.get_by_text("Suggested: Inadequate. 0 hours confirmed of 50 hours due by the end of the period (0%).",
                            exact=True).is_visible()
    page.get_by_role("group", name=f"Rating for {first}").get_by_label("Good").check()
    page.get_by_role("group", name=f"Rating for {third}").get_by_label("Other").check()
    site.follow(page.get_by_role("button", name="Save ratings"), status=422)
    summary = page.locator(".govuk-error-summary")
    message = f"Explain why {first} is rated Good, not the suggested Inadequate"
    summary.get_by_role("link", name=message).click()
    assert page.evaluate("document.activeElement.id") == f"narrative_{world.commitments[0]}"
    page.get_by_label(f"Narrative for {first}").fill("Sessions took place; the groups have not confirmed them yet.")
    page.get_by_label(f"Narrative for {third}").fill("Items are delivered in one batch next spring.")
    site.follow(page.get_by_role("button", name="Save ratings"))
    assert banner.get_by_text(f"KPI ratings saved for {STARTS.day} ").is_visible()

    history = page.get_by_role("table", name=re.compile(r"^\d+ \w+ \d{4} to \d+ \w+ \d{4}$"))
    rows = history.get_by_role("row")
    assert rows.count() == 4
    assert rows.nth(1).get_by_text("Good", exact=True).is_visible()
    assert rows.nth(2).get_by_text("Inadequate", exact=True).first.is_visible()
    assert rows.nth(3).get_by_text("Other", exact=True).is_visible()
    assert page.get_by_role("link", name=re.compile("^Download as CSV")).is_visible()
    site.finish(at_least=8)
