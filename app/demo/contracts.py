"""Demo contracts, commitments and pledges in every state, walked through the real services."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from app.extensions import db
from app.models import (
    Commitment, Contract, ContractStatus, Measure, Need, Organisation, OutboxMessage, OutboxStatus, TargetKind, Theme,
    User, utcnow,
)
from app.services import ledger, pledges

# (reference, title, supplier, value £, years, target %, [(measure code, quantity, months until due)])
DEMO_CONTRACTS = [
    ("WCC-2025-001", "Strategic transport corridor phase 3", "Wyvern Highways Joint Venture", 38_000_000, 3, "10",
     [("VOL-HOURS", 2000, 12), ("ADV-EXPERT", 200, 18), ("APPR-WEEK", 300, 30), ("TREES", 500, 10)]),
    ("WCC-2025-002", "River bridge construction", "Castlemere Civil Engineering Ltd", 22_000_000, 3, "10",
     [("CAREERS-HOUR", 1500, 24), ("PLACE-DAY", 60, 12), ("EQUIP-VALUE", 5000, 6)]),
    ("WCC-2024-017", "School catering", "Fresh Plate School Catering Ltd", 5_000_000, 4, "5",
     [("PLACE-DAY", 100, 12), ("VOL-HOURS", 300, 9)]),
    ("WCC-2024-031", "Waste and recycling collection", "GreenCycle Waste Services Ltd", 12_000_000, 7, "10",
     [("ADV-TRAIN", 200, 12), ("VEHICLE-HOUR", 400, 12), ("REUSE-ITEM", 1000, 24)]),
    ("WCC-2025-044", "IT managed service", "Brightpath IT Services Ltd", 3_500_000, 5, "10",
     [("ADV-EXPERT", 300, 12), ("EQUIP-LAPTOP", 40, 6), ("SPACE-DAY", 50, 12)]),
    ("WCC-2023-009", "Grounds maintenance (ended early)", "Castlemere Civil Engineering Ltd", 60_000, 1, "5",
     [("TREES", 100, -2)]),
]

STORIES = {
    "Volunteers to paint our community hall": "Twelve staff painted the hall over two Saturdays. Bookings are up by a third and the toddler group says the room feels welcoming again. Parents rated how the hall felt 3/10 before and 8/10 after.",
    "Bid-writing support for our care farm": "With a bid writer's help we submitted our first lottery application. We were awarded £48,000 to open the care farm, which will give 30 adults with learning disabilities a place to work outdoors.",
    "Work placements for young adults with learning disabilities": "Eight placement days in the school kitchens gave four young adults their first work experience. Their confidence scores rose from an average of 3/10 to 6/10, and one now has a paid part-time job.",
    "Van and driver to collect donated furniture": "The van collected 41 pieces of furniture that would otherwise have been dumped. Twenty families moving out of temporary accommodation got a bed or sofa.",
}

# Contracts that started before the default 200 days ago, so the demo's deliveries span two financial years.
STARTED_DAYS_AGO = {"WCC-2024-017": 620, "WCC-2024-031": 700}

# (need title, supplier, commitment measure, quantity, final state, days ago delivered, extra)
DEMO_PLEDGES = [
    # Last financial year's deliveries (the demo runs any day: these are 250 to 420 days before it).
    ("Van and driver to collect donated furniture", "GreenCycle Waste Services Ltd", "VEHICLE-HOUR", "6", "confirmed", 420, {}),
    ("Work placements for young adults with learning disabilities", "Fresh Plate School Catering Ltd", "PLACE-DAY", "6", "confirmed", 300, {}),
    ("Free collection of bulky items for reuse", "GreenCycle Waste Services Ltd", "REUSE-ITEM", "40", "confirmed", 280, {}),
    ("Volunteers to run a toy library", "Fresh Plate School Catering Ltd", "VOL-HOURS", "24", "confirmed", 250, {}),
    ("Van and driver to collect donated furniture", "GreenCycle Waste Services Ltd", "VEHICLE-HOUR", "16", "confirmed", 20, {}),
    # Something for the demo charity (Brackenford) to answer and to confirm on its home page.
    ("Volunteer befrienders for a summer programme", "Wyvern Highways Joint Venture", "VOL-HOURS", "24", "offered", 0, {}),
    ("Minibus for day trips", "GreenCycle Waste Services Ltd", "VEHICLE-HOUR", "12", "delivered", 2, {}),
    ("Van and driver to collect donated furniture", "GreenCycle Waste Services Ltd", "VEHICLE-HOUR", "8", "accepted", 0, {}),
    ("Bid-writing support for our care farm", "Brightpath IT Services Ltd", "ADV-EXPERT", "10", "confirmed", 30, {}),
    ("Six refurbished laptops for a digital inclusion club", "Brightpath IT Services Ltd", "EQUIP-LAPTOP", "6", "delivered", 3, {}),
    ("Volunteers to paint our community hall", "Wyvern Highways Joint Venture", "VOL-HOURS", "40", "confirmed", 12, {}),
    ("200 trees for our rewilding site", "Wyvern Highways Joint Venture", "TREES", "200", "accepted", 0, {}),
    ("Careers talks for care leavers", "Castlemere Civil Engineering Ltd", "CAREERS-HOUR", "12", "confirmed", 25, {}),
    ("Careers talks for care leavers", "Castlemere Civil Engineering Ltd", "CAREERS-HOUR", "10", "offered", 0, {}),
    ("Work placements for young adults with learning disabilities", "Fresh Plate School Catering Ltd", "PLACE-DAY", "8", "confirmed", 25, {}),
    ("Work placements for young adults with learning disabilities", "Fresh Plate School Catering Ltd", "PLACE-DAY", "4", "disputed", 5, {"reason": "Only two of the four days took place; the kitchen was closed for an inspection."}),
    ("Upholstery fabric and materials", "Castlemere Civil Engineering Ltd", "EQUIP-VALUE", "800", "offered", 0, {}),
    ("Legal advice sessions on immigration status", "Wyvern Highways Joint Venture", "ADV-EXPERT", "24", "declined", 0, {"reason": "We need a specialist immigration solicitor; a general commercial lawyer cannot help."}),
    ("Volunteers to build raised beds", "Fresh Plate School Catering Ltd", "VOL-HOURS", "10", "withdrawn", 0, {}),
    ("Finance training for our trustees", "GreenCycle Waste Services Ltd", "ADV-TRAIN", "16", "confirmed", 15, {}),
    ("Free collection of bulky items for reuse", "GreenCycle Waste Services Ltd", "REUSE-ITEM", "60", "confirmed", 10, {}),
    ("Free collection of bulky items for reuse", "GreenCycle Waste Services Ltd", "REUSE-ITEM", "20", "cancelled", 0, {"reason": "Our second van is off the road until next month."}),
    ("Energy surveys of village halls", "Wyvern Highways Joint Venture", "ADV-EXPERT", "6", "reversed", 8, {"reason": "The surveys were paid for under a separate consultancy contract, so they are not social value."}),
]


PLEDGED_DAYS_BEFORE = 7
PUBLISHED_DAYS_BEFORE = 10
# The priority theme each demo commitment serves, by measure code.
COMMITMENT_THEMES = {
    "VOL-HOURS": "Healthy, safe and resilient communities", "ADV-EXPERT": "Healthy, safe and resilient communities",
    "SPACE-DAY": "Healthy, safe and resilient communities", "APPR-WEEK": "Jobs and skills",
    "CAREERS-HOUR": "Jobs and skills", "PLACE-DAY": "Jobs and skills", "TREES": "Climate and environment",
    "VEHICLE-HOUR": "Climate and environment", "REUSE-ITEM": "Climate and environment",
    "EQUIP-LAPTOP": "Innovation and community power", "ADV-TRAIN": "Local economy", "EQUIP-VALUE": "Local economy",
}


def _user_of(organisation_id: int) -> User:
    """The first user of an organisation."""
    return db.session.scalars(select(User).where(User.organisation_id == organisation_id).order_by(User.id)).first()


def _contracts(council: Organisation, manager: User, suppliers: dict, measures: dict) -> dict:
    """Create the demo contracts; return commitments by (supplier name, measure code)."""
    today = date.today()
    themes = {t.name: t for t in db.session.scalars(select(Theme))}
    commitments = {}
    for reference, title, supplier_name, pounds, years, percent, lines in DEMO_CONTRACTS:
        ended = "ended early" in title
        starts = today - timedelta(days=400 if ended else STARTED_DAYS_AGO.get(reference, 200))
        contract = Contract(
            buyer_id=council.id, supplier_id=suppliers[supplier_name].id, reference=reference, title=title,
            value_pence=pounds * 100, starts_on=starts, ends_on=starts + timedelta(days=365 * years),
            contract_manager_id=manager.id, target_kind=TargetKind.PERCENT, target_percent=Decimal(percent),
            created_by_id=manager.id)
        if ended:
            contract.status, contract.ended_on = ContractStatus.ENDED, today - timedelta(days=30)
            contract.end_reason = "The grounds were transferred to the town council."
        for code, quantity, months in lines:
            commitment = Commitment(contract=contract, measure_id=measures[code].id, quantity=Decimal(quantity),
                                    due_on=today + timedelta(days=30 * months),
                                    note="From the tender's social value proposal.",
                                    areas=list(suppliers[supplier_name].areas),
                                    themes=[themes[COMMITMENT_THEMES[code]]] if COMMITMENT_THEMES.get(code) in themes
                                    else [])
            commitments.setdefault((supplier_name, code), commitment)
            db.session.add(commitment)
        db.session.add(contract)
    db.session.commit()
    return commitments


def _walk(row, needs: dict, suppliers: dict, commitments: dict, moderator: User, manager: User) -> None:
    """Take one demo pledge through the services to its final state."""
    title, supplier_name, code, quantity, state, days_ago, extra = row
    need = needs[title]
    supplier_user, vcse_user = _user_of(suppliers[supplier_name].id), _user_of(need.organisation_id)
    qty = Decimal(quantity)
    pledge = pledges.make_pledge(supplier_user, need_id=need.id, commitment_id=commitments[(supplier_name, code)].id,
                                 quantity=qty, message="We would be glad to help with this.",
                                 proposed_on=date.today())
    # History: the pledge was made a week before it was delivered (a delivery cannot predate its pledge).
    pledge.created_at = utcnow() - timedelta(days=days_ago + PLEDGED_DAYS_BEFORE)
    # ...and the need was published before that.
    need.opened_at = min(need.opened_at or pledge.created_at, pledge.created_at - timedelta(days=PUBLISHED_DAYS_BEFORE))
    pledge.proposed_on = date.today() - timedelta(days=days_ago)
    db.session.commit()
    if state == "offered":
        return
    if state == "withdrawn":
        pledges.withdraw_pledge(pledge.id, supplier_user)
        return
    if state == "declined":
        pledges.decline_pledge(pledge.id, vcse_user, reason=extra["reason"])
        return
    pledges.accept_pledge(pledge.id, vcse_user)
    if state == "accepted":
        return
    if state == "cancelled":
        pledges.cancel_pledge(pledge.id, supplier_user, reason=extra["reason"])
        return
    pledges.mark_delivered(pledge.id, supplier_user, quantity=qty, delivered_on=date.today() - timedelta(days=days_ago),
                           note="Delivered as agreed with the group.")
    if state == "delivered":
        return
    if state == "disputed":
        pledges.dispute_delivery(pledge.id, vcse_user, reason=extra["reason"])
        return
    entry = pledges.confirm_delivery(pledge.id, vcse_user, quantity=qty, story=STORIES.get(title, ""))
    if state == "reversed":
        ledger.reverse_entry(entry.id, manager, reason=extra["reason"])


def load_demo_contracts() -> bool:
    """Create the demo contracts and walk the demo pledges; False if they already exist."""
    if db.session.scalar(select(Contract.id).where(Contract.reference == DEMO_CONTRACTS[0][0])):
        return False
    first_outbox_id = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    council = organisations["Wyvern County Council"]
    manager = db.session.scalars(select(User).where(User.email == "contracts@example.gov.uk")).one()
    moderator = db.session.scalars(select(User).where(User.email == "moderator@example.gov.uk")).one()
    measures = {m.code: m for m in db.session.scalars(select(Measure))}
    commitments = _contracts(council, manager, organisations, measures)
    needs = {n.title: n for n in db.session.scalars(select(Need))}
    for row in DEMO_PLEDGES:
        _walk(row, needs, organisations, commitments, moderator, manager)
    # The demo's own emails are history, not news: mark them sent so `make run` does not print them all.
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id > first_outbox_id)
                       .values(status=OutboxStatus.SENT, sent_at=utcnow()))
    db.session.commit()
    return True
