"""Published KPIs (Procurement Act 2023): flagging commitments as KPIs, recording why a large contract has fewer
than three, and rating each KPI for a period on the statutory five-point scale."""
from dataclasses import dataclass
from datetime import date

from app import permissions
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.extensions import db
from app.formatting import long_date
from app.models import Commitment, Contract, KpiRating, KpiRatingValue, Role, User, utcnow
from app.models.lifecycle import require_move
from app.queries.kpis import contract_end_day, kpi_figures
from app.services.audit import add_recorded, record_audit
from app.services.transactions import locked

NARRATIVE_LIMIT = 2000
EXEMPTION_LIMIT = 2000


@dataclass
class KpiRatingInput:
    """A contract manager's rating of one KPI: the chosen rating (None if none was chosen) and the narrative."""

    commitment_id: int
    rating: KpiRatingValue | None
    narrative: str = ""


def _council_contract(contract_id: int, user: User) -> Contract:
    """One of the user's council's contracts, locked so its KPIs change one use case at a time; 404 for any other."""
    if not permissions.is_council(user, Role.CONTRACT_MANAGER):
        raise NotAllowed("Only contract managers can manage KPIs.")
    contract = locked(Contract, contract_id)
    if contract is None or contract.buyer_id != user.organisation_id:
        raise NotFound("No such contract.")
    require_move(contract, "manage_kpis", user)
    return contract


def publish_kpi(commitment_id: int, user: User, published: bool) -> Commitment:
    """Publish a commitment as one of its contract's KPIs, or stop publishing it (its ratings are kept)."""
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        raise NotFound("No such commitment.")
    _council_contract(commitment.contract_id, user)
    if commitment.is_kpi != published:
        commitment.is_kpi = published
        record_audit(user, "commitment.kpi_published" if published else "commitment.kpi_withdrawn", commitment,
                     contract_id=commitment.contract_id)
    db.session.commit()
    return commitment


def save_kpi_exemption(contract_id: int, user: User, reason: str) -> Contract:
    """Record (or clear, with an empty reason) why a contract publishes fewer than three KPIs."""
    contract = _council_contract(contract_id, user)
    reason = (reason or "").strip()
    if len(reason) > EXEMPTION_LIMIT:
        raise Invalid(f"Reason must be {EXEMPTION_LIMIT:,} characters or fewer", "reason")
    if reason != contract.kpi_exemption_reason:
        contract.kpi_exemption_reason = reason
        record_audit(user, "contract.kpi_exemption_saved", contract, reason=reason)
    db.session.commit()
    return contract


def _check_period(contract: Contract, start: date, end: date, today: date) -> None:
    """A rating period lies within the contract's term and has already ended (or ends today)."""
    if end < start:
        raise Invalid("The end of the period must be on or after its start", "period_end")
    if start < contract.starts_on:
        raise Invalid(f"The period cannot start before the contract started on {long_date(contract.starts_on)}",
                      "period_start")
    last_day = contract_end_day(contract)
    if end > last_day:
        raise Invalid(f"The period cannot end after the contract's last day, {long_date(last_day)}", "period_end")
    if end > today:
        raise Invalid("The period must end today or earlier", "period_end")


def _check_rating(given: KpiRatingInput | None, commitment: Commitment, suggested: KpiRatingValue) -> str:
    """The rating's narrative, once the rules hold: a rating is chosen, and explained when it is Other or differs."""
    name = commitment.measure.name
    if given is None or given.rating is None:
        raise Invalid(f"Select a rating for {name}", f"rating_{commitment.id}")
    narrative = (given.narrative or "").strip()
    field = f"narrative_{commitment.id}"
    if len(narrative) > NARRATIVE_LIMIT:
        raise Invalid(f"Narrative must be {NARRATIVE_LIMIT:,} characters or fewer", field)
    if not narrative and given.rating is KpiRatingValue.OTHER:
        raise Invalid(f"Explain the rating of Other for {name}", field)
    if not narrative and given.rating is not suggested:
        raise Invalid(f"Explain why {name} is rated {given.rating.label}, not the suggested {suggested.label}", field)
    return narrative


def record_kpi_ratings(contract_id: int, user: User, *, period_start: date, period_end: date,
                       ratings: list[KpiRatingInput], today: date | None = None) -> list[KpiRating]:
    """Rate every KPI of a contract for a period, the suggestion worked out from the ledger now; a period already
    rated is changed in place, and every rating recorded or changed is in the audit trail."""
    contract = _council_contract(contract_id, user)
    _check_period(contract, period_start, period_end, today or date.today())
    kpis = [c for c in contract.commitments if c.is_kpi]
    if not kpis:
        raise Conflict("Publish at least one commitment as a KPI before rating.")
    given = {r.commitment_id: r for r in ratings}
    checked = [(figures, _check_rating(given.get(figures.commitment.id), figures.commitment, figures.suggested))
               for figures in kpi_figures(contract, kpis, period_end)]
    existing = {r.commitment_id: r for r in db.session.scalars(
        db.select(KpiRating).where(KpiRating.commitment_id.in_([c.id for c in kpis]),
                                   KpiRating.period_start == period_start, KpiRating.period_end == period_end))}
    saved = [_save_rating(user, existing.get(figures.commitment.id), figures, given[figures.commitment.id].rating,
                          narrative, period_start, period_end) for figures, narrative in checked]
    db.session.commit()
    return saved


def _save_rating(user: User, rating: KpiRating | None, figures, chosen: KpiRatingValue, narrative: str,
                 start: date, end: date) -> KpiRating:
    """Record one KPI's rating, or change the one already recorded for the period (unchanged ones are left be)."""
    if rating is not None and (rating.rating, rating.narrative) == (chosen, narrative):
        return rating
    before = rating.rating.value if rating is not None else None
    if rating is None:
        rating = KpiRating(commitment_id=figures.commitment.id, period_start=start, period_end=end)
    rating.rating, rating.narrative, rating.suggested_rating = chosen, narrative, figures.suggested
    rating.confirmed_quantity, rating.expected_quantity = figures.confirmed, figures.expected
    rating.rated_by_id, rating.rated_at = user.id, utcnow()
    data = {"rating": chosen.value, "suggested": figures.suggested.value, "period_start": start.isoformat(),
            "period_end": end.isoformat(), "contract_id": figures.commitment.contract_id}
    if before is None:
        return add_recorded(user, rating, "kpi_rating.recorded", **data)
    record_audit(user, "kpi_rating.changed", rating, previous=before, **data)
    return rating
