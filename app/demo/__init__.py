"""Demo data for a first look: one council, its areas, organisations and sign-ins."""
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Area, Measure, MeasureCode, Organisation, OrganisationKind, OrganisationStatus, Role, User, UserRole, utcnow,
)
from app.models.identifiers import IdentifierScheme
from app.services.passwords import hash_password
from app.services.reference_defaults import load_default_reference

DEMO_PASSWORD = "demo-password"

# (email, name, roles) for the council's staff.
COUNCIL_USERS = [
    ("admin@example.gov.uk", "Alex Admin", [Role.ADMIN]),
    ("moderator@example.gov.uk", "Morgan Moderator", [Role.MODERATOR]),
    ("contracts@example.gov.uk", "Casey Contracts", [Role.CONTRACT_MANAGER]),
]

# (name, registered number (7 digits: a charity in England or Wales; 8: a company), status, first user's email, name)
VCSES = [
    ("Brackenford Befriending Scheme", "1180001", "approved", "vcse@example.org", "Val Vcse"),
    ("Women's Voices Wyvern", "1180002", "approved", "info@womensvoices.example.org", "Wren Okafor"),
    ("ReLoved Furniture CIC", "11800030", "approved", "hello@reloved.example.org", "Rafi Begum"),
    ("Castlemere Care Leavers Trust", "1180004", "approved", "team@careleavers.example.org", "Cal Morgan"),
    ("Dunmore Family Support", "1180005", "approved", "office@dunmorefamily.example.org", "Dana Price"),
    ("Greywater Community Garden", None, "approved", "grow@greywatergarden.example.org", "Gus Hale"),
    ("Wyvern Carers Network", "1180007", "approved", "carers@wyverncarers.example.org", "Kit Lang"),
    ("Fenwick Community Energy Co-op", None, "approved", "power@fenwickenergy.example.org", "Fen Adeyemi"),
    ("Elmbridge Food Bank", "1180009", "pending", "help@elmbridgefood.example.org", "Elle Stone"),
    ("Quick Cash Community Ltd", None, "rejected", "admin@quickcash.example.org", "Q Cash"),
]

SUPPLIERS = [
    ("Wyvern Highways Joint Venture", "09000001", "approved", "supplier@example.com", "Sam Supplier"),
    ("Castlemere Civil Engineering Ltd", "09000002", "approved", "sv@castlemerecivils.example.com", "Chris Nolan"),
    ("Fresh Plate School Catering Ltd", "09000003", "approved", "social.value@freshplate.example.com", "Priya Shah"),
    ("GreenCycle Waste Services Ltd", "09000004", "approved", "community@greencycle.example.com", "Glen Harris"),
    ("Brightpath IT Services Ltd", "09000005", "approved", "csr@brightpath.example.com", "Bea Wu"),
    ("Sentinel CCTV Ltd", "09000006", "pending", "office@sentinelcctv.example.com", "Sid Patel"),
]

# The demo council reports against its own framework too: (measure code, code in that framework).
DEMO_FRAMEWORK = "Wyvern Social Value Framework 2025"
DEMO_FRAMEWORK_CODES = [("VOL-HOURS", "WSV-C1"), ("ADV-EXPERT", "WSV-C4"), ("SPACE-DAY", "WSV-C5"),
                        ("EQUIP-LAPTOP", "WSV-D2"), ("APPR-WEEK", "WSV-E1"), ("REUSE-ITEM", "WSV-N3")]


def _framework_codes() -> None:
    """Give some demo measures their code in the council's own framework, once."""
    measures = {m.code: m for m in db.session.scalars(select(Measure))}
    for measure_code, code in DEMO_FRAMEWORK_CODES:
        measure = measures.get(measure_code)
        if measure is not None and not any(c.scheme == DEMO_FRAMEWORK for c in measure.codes):
            measure.codes.append(MeasureCode(scheme=DEMO_FRAMEWORK, code=code))


def _user(organisation: Organisation, email: str, name: str, password_hash: str, roles=(), org_admin=True) -> None:
    """Create a verified demo user unless one with this email exists."""
    if db.session.scalars(select(User).where(User.email == email)).first():
        return
    db.session.add(User(organisation=organisation, email=email, name=name, password_hash=password_hash,
                        email_verified_at=utcnow(), is_org_admin=org_admin,
                        role_rows=[UserRole(role=r) for r in roles]))


def _organisation(name: str, kind: OrganisationKind, number, status: str, areas: list[Area]) -> Organisation:
    """Find or create a demo organisation by name."""
    organisation = db.session.scalars(select(Organisation).where(Organisation.name == name)).first()
    if organisation is None:
        scheme = None if number is None else IdentifierScheme.GB_COH if len(number) == 8 else IdentifierScheme.GB_CHC
        organisation = Organisation(name=name, kind=kind, identifier_scheme=scheme, registered_number=number,
                                    status=OrganisationStatus(status), areas=areas)
        if status != "pending":
            organisation.decided_at = utcnow()
        if status == "rejected":
            organisation.decision_reason = "We could not confirm that this is a voluntary or community organisation."
        db.session.add(organisation)
    return organisation


def load_demo() -> None:
    """Create the demo council, organisations and sign-ins; running it again changes nothing."""
    load_default_reference()
    _framework_codes()
    areas = list(db.session.scalars(select(Area).order_by(Area.name)))
    password_hash = hash_password(DEMO_PASSWORD)
    council = _organisation("Wyvern County Council", OrganisationKind.BUYER, None, "approved", areas)
    for email, name, roles in COUNCIL_USERS:
        _user(council, email, name, password_hash, roles, org_admin=Role.ADMIN in roles)
    for kind, rows in ((OrganisationKind.VCSE, VCSES), (OrganisationKind.SUPPLIER, SUPPLIERS)):
        for i, (org_name, number, status, email, person) in enumerate(rows):
            served = [areas[i % len(areas)], areas[(i + 3) % len(areas)]]
            organisation = _organisation(org_name, kind, number, status, served)
            _user(organisation, email, person, password_hash)
    db.session.commit()
    from app.demo.contracts import load_demo_contracts
    from app.demo.needs import load_demo_needs
    load_demo_needs()
    load_demo_contracts()
    from app.demo.offers import load_demo_offers
    load_demo_offers()
    from app.demo.evidence import load_demo_evidence
    load_demo_evidence()
    from app.demo.kpis import load_demo_kpis
    load_demo_kpis()
    from app.services.suggestions import rebuild_all
    rebuild_all()


DEMO_SIGN_INS = [
    ("admin@example.gov.uk", "council administrator"),
    ("moderator@example.gov.uk", "council moderator"),
    ("contracts@example.gov.uk", "contract manager"),
    ("vcse@example.org", "member of a charity (VCSE)"),
    ("supplier@example.com", "member of a supplier"),
]
