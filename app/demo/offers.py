"""Demo standing offers: two published on the demo supplier's commitments, so a demo group can request one."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from app.extensions import db
from app.models import (
    Commitment, Contract, Measure, NeedCategory, Offer, Organisation, OutboxMessage, OutboxStatus, Theme, User, utcnow,
)
from app.services import offers

SUPPLIER = "Wyvern Highways Joint Venture"
# (title, summary, measure code, category, total, most per request, theme, days available, publish?)
DEMO_OFFERS = [
    ("Staff volunteers for a practical project day",
     "A team of up to 10 staff for a day of painting, gardening or clearing.", "VOL-HOURS", "volunteers",
     "300", "60", "Healthy, safe and resilient communities", 150, True),
    ("An hour with our engineers and lawyers for your project",
     "Pro bono expert advice on buildings, planning, contracts or bids.", "ADV-EXPERT", "advice",
     "40", "8", "Healthy, safe and resilient communities", 120, True),
    ("Saplings and a planting team for a community site",
     "Native trees and staff to plant them in the winter season.", "TREES", "volunteers",
     "150", "50", "Climate and environment", 100, False),
]

DESCRIPTION = """{summary}

We set this aside from our social value commitments on the council's contract, so there is no cost to your group.

- tell us what you have in mind and when
- we agree the details with you before the day
- afterwards, confirm what you received so it counts for the council"""


def _commitment(supplier: Organisation, code: str) -> Commitment:
    """The supplier's running commitment counted in a measure."""
    return db.session.scalars(
        select(Commitment).join(Commitment.contract).join(Measure, Measure.id == Commitment.measure_id)
        .where(Contract.supplier_id == supplier.id, Measure.code == code).order_by(Commitment.id)).first()


def load_demo_offers() -> bool:
    """Create the demo offers through the real services, published by the demo moderator; False if they exist."""
    if db.session.scalar(select(Offer.id).where(Offer.title == DEMO_OFFERS[0][0])):
        return False
    supplier = db.session.scalars(select(Organisation).where(Organisation.name == SUPPLIER)).one()
    author = db.session.scalars(select(User).where(User.organisation_id == supplier.id).order_by(User.id)).first()
    moderator = db.session.scalars(select(User).where(User.email == "moderator@example.gov.uk")).one()
    themes = {t.name: t.id for t in db.session.scalars(select(Theme))}
    first_outbox_id = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
    for title, summary, code, category, total, most, theme, days, publish in DEMO_OFFERS:
        commitment = _commitment(supplier, code)
        if commitment is None:
            continue
        data = offers.OfferInput(
            commitment_id=commitment.id, title=title, summary=summary, description=DESCRIPTION.format(summary=summary),
            category=NeedCategory(category), quantity=Decimal(total), most_per_request=Decimal(most),
            available_from=date.today(), available_until=date.today() + timedelta(days=days),
            how_to_request="Request it here with the date you would like. Our community team replies within a week.",
            area_ids=[a.id for a in supplier.areas], theme_ids=[themes[theme]])
        offer = offers.save_offer(author, data, submit=True)
        if publish:
            offers.approve_offer(offer.id, moderator, note="Demo offer")
    # As with the demo pledges, the demo's own emails are history, not news.
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id > first_outbox_id)
                       .values(status=OutboxStatus.SENT, sent_at=utcnow()))
    db.session.commit()
    return True
