"""Demo KPIs (Procurement Act 2023): the largest demo contract publishes three KPIs and has one period rated."""
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Commitment, Contract, KpiRating, KpiRatingValue, User
from app.queries.kpis import kpi_figures
from app.services import kpis

KPI_CONTRACT = "WCC-2025-001"
KPI_MEASURES = ("VOL-HOURS", "ADV-EXPERT", "TREES")
NARRATIVES = {
    "VOL-HOURS": "Volunteering started slowly while the supplier matched its staff to groups. The supplier has "
                 "agreed a plan with the council to catch up before the due date.",
    "ADV-EXPERT": "Advice sessions have taken place that the groups have not yet confirmed, so the ledger shows less "
                  "than was delivered; rated above the suggestion for that reason.",
    "TREES": "The planting season starts in November, so most trees will be planted in the next period.",
}


def load_demo_kpis(today: date | None = None) -> bool:
    """Publish three KPIs on the demo's largest contract and rate them once; False if already done."""
    today = today or date.today()
    contract = db.session.scalars(select(Contract).where(Contract.reference == KPI_CONTRACT)).first()
    manager = db.session.scalars(select(User).where(User.email == "contracts@example.gov.uk")).first()
    if contract is None or manager is None or contract.starts_on >= today:
        return False
    if db.session.scalar(select(KpiRating.id).join(Commitment).where(Commitment.contract_id == contract.id)):
        return False
    for commitment in contract.commitments:
        if commitment.measure.code in KPI_MEASURES:
            kpis.publish_kpi(commitment.id, manager, True)
    end = today - timedelta(days=1)
    ratings = []
    for figures in kpi_figures(contract, [c for c in contract.commitments if c.is_kpi], end):
        code = figures.commitment.measure.code
        # Advice is rated below the ledger's suggestion: it started late, which the narrative explains.
        chosen = KpiRatingValue.REQUIRES_IMPROVEMENT if code == "ADV-EXPERT" else figures.suggested
        ratings.append(kpis.KpiRatingInput(figures.commitment.id, chosen, NARRATIVES.get(code, "")))
    kpis.record_kpi_ratings(contract.id, manager, period_start=contract.starts_on, period_end=end, ratings=ratings,
                            today=today)
    return True
