"""Reads for moderators: disputed deliveries on the council's contracts."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Commitment, Contract, Need, OfferRequest, Pledge, PledgeStatus


def _on_council_contracts(query, buyer_id: int):
    """Limit a pledge query to pledges against the council's contracts."""
    return (query.join(Commitment, Commitment.id == Pledge.commitment_id)
            .join(Contract, Contract.id == Commitment.contract_id).where(Contract.buyer_id == buyer_id))


def disputed_count(buyer_id: int) -> int:
    """How many deliveries on the council's contracts are disputed and waiting for a moderator."""
    query = select(func.count(Pledge.id)).where(Pledge.status == PledgeStatus.DISPUTED)
    return db.session.scalar(_on_council_contracts(query, buyer_id)) or 0


def _loads():
    """Eager loads for showing a pledge in the disputes pages."""
    return (joinedload(Pledge.need).joinedload(Need.organisation), joinedload(Pledge.vcse),
            joinedload(Pledge.offer_request).joinedload(OfferRequest.offer),
            joinedload(Pledge.supplier), joinedload(Pledge.commitment).joinedload(Commitment.measure),
            joinedload(Pledge.commitment).joinedload(Commitment.contract))


def disputed_pledges(buyer_id: int, page: int, per_page: int):
    """A page of disputed deliveries on the council's contracts, longest waiting first."""
    query = _on_council_contracts(select(Pledge).where(Pledge.status == PledgeStatus.DISPUTED), buyer_id)
    query = query.options(*_loads()).order_by(Pledge.delivered_at, Pledge.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def pledge_for_dispute(pledge_id: int, buyer_id: int) -> Pledge | None:
    """A pledge against one of the council's contracts, with its need, supplier and contract (any status)."""
    pledge = db.session.scalars(select(Pledge).where(Pledge.id == pledge_id).options(*_loads())).first()
    if pledge is None or pledge.commitment.contract.buyer_id != buyer_id:
        return None
    return pledge
