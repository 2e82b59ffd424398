"""Factories for standing offers and requests for them; each takes an app and returns ids."""
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.extensions import db
from app.models import Area, Commitment, NeedCategory, Offer, OfferStatus, Theme, User, utcnow
from app.services import offer_requests
from tests import factories_ledger

TODAY = date.today()
_seq = itertools.count(1)


def offer(app, commitment_id: int, *, status: str = "open", quantity: str = "20", most_per_request: str = "5",
          area_ids: list[int], theme_ids: list[int], title: str | None = None, category: str = "volunteers",
          summary: str = "Staff volunteers for a day", available_until: date | None = None,
          created_at=None) -> int:
    """An offer on a commitment in a status, written directly (no moderation, no emails)."""
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        supplier_id = commitment.contract.supplier_id
        user_id = db.session.scalars(db.select(User.id).where(User.organisation_id == supplier_id)).first()
        n = next(_seq)
        title = title or f"Offer {n}"
        row = Offer(
            supplier_id=supplier_id, commitment_id=commitment_id, created_by_id=user_id, title=title,
            summary=summary, description_source="We can help.", description_html="<p>We can help.</p>",
            search_text=f"{title} {summary} We can help.", category=NeedCategory(category),
            measure_id=commitment.measure_id, quantity=Decimal(quantity), most_per_request=Decimal(most_per_request),
            available_from=TODAY, available_until=available_until or TODAY + timedelta(days=90),
            how_to_request="Email us a week ahead.", status=OfferStatus(status),
            areas=[db.session.get(Area, a) for a in area_ids], themes=[db.session.get(Theme, t) for t in theme_ids],
            submitted_at=utcnow() if status != "draft" else None,
            opened_at=created_at or (utcnow() if status in ("open", "closed", "expired") else None))
        db.session.add(row)
        db.session.commit()
        offer_id = row.id
        db.session.remove()
        return offer_id


def request(app, offer_id: int, vcse_user: int, quantity: str = "2", *, wanted_on: date | None = None) -> int:
    """A request for an offer made through the service."""
    with app.app_context():
        made = offer_requests.request_offer(db.session.get(User, vcse_user), offer_id=offer_id, quantity=Decimal(quantity),
                                    wanted_on=wanted_on or TODAY + timedelta(days=7), message="We run a lunch club")
        request_id = made.id
        db.session.remove()
        return request_id


def accepted_request(app, offer_id: int, vcse_user: int, supplier_user: int, quantity: str = "2") -> int:
    """A request accepted through the service; returns the id of the pledge it became."""
    request_id = request(app, offer_id, vcse_user, quantity)
    with app.app_context():
        pledge = offer_requests.accept_request(request_id, db.session.get(User, supplier_user))
        pledge_id = pledge.id
        db.session.remove()
        return pledge_id


@dataclass
class OfferWorld:
    """A ledger world (council, supplier with a contract and commitment, VCSE) with an area, a theme and an offer."""

    ledger: factories_ledger.LedgerWorld
    area: int
    theme: int
    offer: int


def offer_world(app, make, *, commitment_quantity: str = "100", offer_quantity: str = "20",
                most_per_request: str = "5", status: str = "open") -> OfferWorld:
    """Build an OfferWorld whose offer draws on the ledger world's commitment."""
    ledger = factories_ledger.ledger_world(app, make, commitment_quantity=commitment_quantity)
    area, theme = make.area(), make.theme()
    offer_id = offer(app, ledger.commitment, status=status, quantity=offer_quantity,
                     most_per_request=most_per_request, area_ids=[area], theme_ids=[theme])
    return OfferWorld(ledger, area, theme, offer_id)
