"""Demo needs: about forty, across categories, areas and statuses, so /needs looks real."""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Area, Measure, Need, NeedCategory, NeedStatus, Organisation, Theme, User, utcnow
from app.sanitise import render_rich_text, to_plain_text

# (organisation, title, summary, category, measure code, quantity, theme, status, days until needed)
DEMO_NEEDS = [
    ("ReLoved Furniture CIC", "Van and driver to collect donated furniture", "Two days a month to collect sofas and beds people give us.", "volunteers", "VEHICLE-HOUR", "32", "Climate and environment", "open", 90),
    ("Brackenford Befriending Scheme", "Bid-writing support for our care farm", "Ten hours of help writing a lottery bid for a care farm.", "advice", "ADV-EXPERT", "10", "Healthy, safe and resilient communities", "open", 60),
    ("Fenwick Community Energy Co-op", "Six refurbished laptops for a digital inclusion club", "Laptops for older residents learning to get online.", "equipment", "EQUIP-LAPTOP", "6", "Innovation and community power", "open", 45),
    ("Wyvern Carers Network", "Weekly meeting room for our carers' group", "A room for 15 people every Tuesday morning.", "space", "SPACE-DAY", "12", "Healthy, safe and resilient communities", "open", 120),
    ("Dunmore Family Support", "Volunteers to paint our community hall", "Forty hours of painting before the spring term.", "volunteers", "VOL-HOURS", "40", "Healthy, safe and resilient communities", "open", 75),
    ("Brackenford Befriending Scheme", "Work placements for young adults with learning disabilities", "Placement days in a kitchen or café.", "other", "PLACE-DAY", "20", "Jobs and skills", "open", 150),
    ("Castlemere Care Leavers Trust", "Careers talks for care leavers", "Hour-long talks about jobs in construction and catering.", "advice", "CAREERS-HOUR", "30", "Jobs and skills", "open", 100),
    ("Greywater Community Garden", "200 trees for our rewilding site", "Native saplings and help planting them in November.", "volunteers", "TREES", "200", "Climate and environment", "open", 80),
    ("ReLoved Furniture CIC", "Upholstery fabric and materials", "Fabric, foam and tools worth about £800 for our upholstery workshop.", "equipment", "EQUIP-VALUE", "800", "Climate and environment", "open", 70),
    ("Women's Voices Wyvern", "Legal advice sessions on immigration status", "Pro bono advice from a solicitor for women we support.", "advice", "ADV-EXPERT", "24", "Healthy, safe and resilient communities", "open", 110),
    ("Elmbridge Food Bank", "Warehouse space over winter", "Dry storage for donated food, December to February.", "space", "SPACE-DAY", "60", "Healthy, safe and resilient communities", "open", 40),
    ("Greywater Community Garden", "Volunteers to build raised beds", "A team day to build accessible raised beds.", "volunteers", "VOL-HOURS", "48", "Climate and environment", "open", 55),
    ("Castlemere Care Leavers Trust", "Interview practice with employers", "Mock interviews for young people leaving care.", "advice", "CAREERS-HOUR", "15", "Jobs and skills", "open", 65),
    ("Dunmore Family Support", "Toys and play equipment for our under-fives group", "Soft play mats and toys worth about £500.", "equipment", "EQUIP-VALUE", "500", "Healthy, safe and resilient communities", "open", 50),
    ("Wyvern Carers Network", "Finance training for our trustees", "A workshop on charity accounts for 8 trustees.", "advice", "ADV-TRAIN", "16", "Local economy", "open", 95),
    ("Fenwick Community Energy Co-op", "Energy surveys of village halls", "Expert time to survey three halls for solar panels.", "advice", "ADV-EXPERT", "18", "Climate and environment", "open", 130),
    ("Women's Voices Wyvern", "A quiet room for drop-in sessions", "A private room two afternoons a week.", "space", "SPACE-HOUR", "80", "Healthy, safe and resilient communities", "open", 85),
    ("ReLoved Furniture CIC", "Free collection of bulky items for reuse", "Collect wardrobes and tables from households giving them away.", "other", "REUSE-ITEM", "150", "Climate and environment", "open", 140),
    ("Brackenford Befriending Scheme", "Volunteer befrienders for a summer programme", "Staff volunteers to join outings with our members.", "volunteers", "VOL-HOURS", "120", "Healthy, safe and resilient communities", "open", 160),
    ("Elmbridge Food Bank", "Drivers for weekly food collections", "Van and driver time to collect from supermarkets.", "volunteers", "VEHICLE-HOUR", "52", "Healthy, safe and resilient communities", "open", 35),
    ("Castlemere Care Leavers Trust", "Kitchen equipment for a training flat", "A cooker, fridge and pans so young people can practise.", "equipment", "EQUIP-VALUE", "1200", "Jobs and skills", "open", 90),
    ("Greywater Community Garden", "Help with our website", "A few hours from a web developer to fix our site.", "advice", "ADV-EXPERT", "8", "Innovation and community power", "open", 30),
    ("Dunmore Family Support", "Office space for two staff", "Desk space in Dunmore while our building is repaired.", "space", "SPACE-DAY", "40", "Healthy, safe and resilient communities", "open", 100),
    ("Fenwick Community Energy Co-op", "Volunteers to insulate a community centre loft", "Supervised volunteers for two days.", "volunteers", "VOL-HOURS", "64", "Climate and environment", "open", 115),
    ("Wyvern Carers Network", "Laptops for carers to attend online support", "Refurbished laptops to lend to carers.", "equipment", "EQUIP-LAPTOP", "10", "Innovation and community power", "open", 75),
    ("Women's Voices Wyvern", "Marketing advice for our social enterprise café", "Help with branding and a simple marketing plan.", "advice", "ADV-EXPERT", "12", "Local economy", "open", 125),
    ("Brackenford Befriending Scheme", "Minibus for day trips", "A minibus and driver for six summer outings.", "other", "VEHICLE-HOUR", "36", "Healthy, safe and resilient communities", "open", 170),
    ("Elmbridge Food Bank", "Shelving for our new store room", "Heavy-duty shelving worth about £600.", "equipment", "EQUIP-VALUE", "600", "Healthy, safe and resilient communities", "open", 25),
    ("Greywater Community Garden", "Tool shed for the community garden", "A lockable shed and hand tools.", "equipment", "EQUIP-VALUE", "900", "Climate and environment", "pending_review", 90),
    ("Castlemere Care Leavers Trust", "Mentors for first jobs", "Staff volunteers to mentor care leavers in their first job.", "volunteers", "VOL-HOURS", "100", "Jobs and skills", "pending_review", 120),
    ("ReLoved Furniture CIC", "Workshop space for upholstery training", "A workshop for 6 trainees, one day a week.", "space", "SPACE-DAY", "26", "Jobs and skills", "pending_review", 140),
    ("Dunmore Family Support", "Help with a safeguarding policy review", "Expert review of our safeguarding policy.", "advice", "ADV-EXPERT", "6", "Healthy, safe and resilient communities", "changes_requested", 90),
    ("Wyvern Carers Network", "Christmas event venue", "A hall for 80 carers and families in December.", "space", "SPACE-DAY", "1", "Healthy, safe and resilient communities", "draft", 30),
    ("Brackenford Befriending Scheme", "Garden tools for the care farm", "Spades, forks and wheelbarrows.", "equipment", "EQUIP-VALUE", "400", "Climate and environment", "draft", 100),
    ("Fenwick Community Energy Co-op", "Free electricity for our members", "Pay our members' electricity bills.", "other", "DONATION", "5000", "Local economy", "rejected", 60),
    ("Elmbridge Food Bank", "Volunteers for the summer holiday lunch club", "Helpers to serve lunches in August.", "volunteers", "VOL-HOURS", "90", "Healthy, safe and resilient communities", "closed", 20),
    ("Greywater Community Garden", "Compost delivery", "Ten tonnes of compost for new beds.", "other", "WASTE-REUSED", "10", "Climate and environment", "expired", -10),
    ("Women's Voices Wyvern", "Printer for our office", "A laser printer worth about £250.", "equipment", "EQUIP-VALUE", "250", "Local economy", "expired", -20),
    ("Castlemere Care Leavers Trust", "Gym passes for young people", "Passes to a local gym for 12 months.", "other", "DONATION", "600", "Healthy, safe and resilient communities", "withdrawn", 50),
    ("Dunmore Family Support", "Volunteers to run a toy library", "Staff volunteers one Saturday a month.", "volunteers", "VOL-HOURS", "60", "Healthy, safe and resilient communities", "open", 180),
]

DESCRIPTION = """{summary}

We are a small group and rely on support like this. With it we can:

- reach more people in {area}
- keep our costs down so more goes to the people we help

Read more about us at https://example.org or email us."""

# Statuses in which a need has ended, so it has an ended_at, as the services set it.
ENDED = {"closed", "expired", "withdrawn", "rejected"}


def load_demo_needs() -> int:
    """Create the demo needs that are missing; return how many were added."""
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    measures = {m.code: m for m in db.session.scalars(select(Measure))}
    themes = {t.name: t for t in db.session.scalars(select(Theme))}
    areas = list(db.session.scalars(select(Area).order_by(Area.name)))
    have = set(db.session.execute(select(Need.organisation_id, Need.title)).all())
    added = 0
    for i, (org_name, title, summary, category, code, qty, theme, status, days) in enumerate(DEMO_NEEDS):
        organisation = organisations[org_name]
        if (organisation.id, title) in have:
            continue
        author = db.session.scalars(select(User).where(User.organisation_id == organisation.id)).first()
        area = organisation.areas[i % len(organisation.areas)] if organisation.areas else areas[i % len(areas)]
        source = DESCRIPTION.format(summary=summary, area=area.name)
        html = render_rich_text(source)
        created = utcnow() - timedelta(days=40 - i)
        ended = created + (utcnow() - created) / 2 if status in ENDED else None   # some time between then and now
        need = Need(
            organisation=organisation, created_by_id=author.id, title=title, summary=summary,
            description_source=source, description_html=html,
            search_text=" ".join([title, summary, to_plain_text(html)]), category=NeedCategory(category),
            measure=measures[code], quantity=Decimal(qty), area=area, needed_by=date.today() + timedelta(days=days),
            contact=f"Email {author.email} or call 01632 960{100 + i:03d}", status=NeedStatus(status),
            themes=[themes[theme]], created_at=created,
            submitted_at=created if status != "draft" else None,
            opened_at=created if status in ("open", "closed", "expired") else None, ended_at=ended,
            moderation_note={"changes_requested": "Please say how many hours you expect this to take.",
                             "rejected": "Paying household bills is not something suppliers can pledge."}.get(status, ""),
        )
        db.session.add(need)
        added += 1
    db.session.commit()
    return added
