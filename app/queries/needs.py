"""Reads of needs: the public list with search and filters, a need's page, queues."""
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import Need, NeedCategory, NeedStatus, need_themes

SORTS = {"newest": "Newest first", "needed_by": "Needed soonest"}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class NeedFilters:
    """What a visitor searched for, read from and written back to the URL."""

    q: str = ""
    category: str = ""
    area: int | None = None
    theme: int | None = None
    measure: int | None = None
    sort: str = "newest"

    @classmethod
    def from_args(cls, args) -> "NeedFilters":
        """Read filters from query-string arguments, ignoring anything malformed."""
        category = args.get("category", "")
        sort = args.get("sort", "newest")
        return cls(
            q=args.get("q", "").replace("\x00", " ").strip()[:200],
            category=category if category in {c.value for c in NeedCategory} else "",
            area=args.get("area", type=int), theme=args.get("theme", type=int),
            measure=args.get("measure", type=int),
            sort=sort if sort in SORTS else "newest",
        )

    def as_args(self) -> dict:
        """The filters as URL arguments, leaving out the empty ones."""
        return {k: v for k, v in asdict(self).items() if v not in ("", None) and not (k == "sort" and v == "newest")}

    @property
    def is_filtered(self) -> bool:
        """Whether any search or filter is applied."""
        return bool(self.q or self.category or self.area or self.theme or self.measure)


def _search_condition(q: str):
    """A WHERE clause matching needs whose words match the search, for this database."""
    words = _WORD.findall(q.lower())[:10]
    if not words:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        english = literal_column("'english'::regconfig")
        return func.to_tsvector(english, Need.search_text).bool_op("@@")(func.websearch_to_tsquery(english, q))
    fts_query = " ".join(f'"{w}"*' for w in words)
    return Need.id.in_(text("SELECT rowid FROM needs_fts WHERE needs_fts MATCH :fts").bindparams(fts=fts_query))


def open_needs_query(filters: NeedFilters):
    """The select for open needs matching the filters, in the chosen order."""
    query = select(Need).where(Need.status == NeedStatus.OPEN)
    condition = _search_condition(filters.q) if filters.q else None
    if condition is not None:
        query = query.where(condition)
    if filters.category:
        query = query.where(Need.category == NeedCategory(filters.category))
    if filters.area:
        query = query.where(Need.area_id == filters.area)
    if filters.measure:
        query = query.where(Need.measure_id == filters.measure)
    if filters.theme:
        query = query.where(Need.id.in_(select(need_themes.c.need_id).where(need_themes.c.theme_id == filters.theme)))
    if filters.sort == "needed_by":
        return query.order_by(Need.needed_by, Need.id)
    return query.order_by(Need.created_at.desc(), Need.id.desc())


def open_needs(filters: NeedFilters, page: int, per_page: int):
    """A page of open needs with everything the list shows loaded up front."""
    query = open_needs_query(filters).options(
        joinedload(Need.organisation), joinedload(Need.area), joinedload(Need.measure), selectinload(Need.themes))
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def need_with_details(need_id: int) -> Need | None:
    """One need with its organisation, area, measure and themes."""
    return db.session.scalars(
        select(Need).where(Need.id == need_id)
        .options(joinedload(Need.organisation), joinedload(Need.area), joinedload(Need.measure),
                 selectinload(Need.themes))
    ).first()


def remaining_quantity(need: Need) -> Decimal:
    """What is still needed: the quantity wanted less what is pledged and delivered (pledges come later)."""
    return need.quantity


def organisation_needs(organisation_id: int) -> list[Need]:
    """Every need of one organisation, newest first, for its "Your needs" page."""
    return list(db.session.scalars(
        select(Need).where(Need.organisation_id == organisation_id)
        .options(joinedload(Need.measure), joinedload(Need.area))
        .order_by(Need.created_at.desc(), Need.id.desc())
    ))


def review_queue(page: int, per_page: int):
    """Needs waiting for review, oldest submission first."""
    query = (select(Need).where(Need.status == NeedStatus.PENDING_REVIEW)
             .options(joinedload(Need.organisation), joinedload(Need.area), joinedload(Need.measure))
             .order_by(Need.submitted_at, Need.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def need_counts() -> dict[str, int]:
    """How many needs are in each status, keyed by status value."""
    counts = {status.value: 0 for status in NeedStatus}
    counts.update({status.value: n for status, n in
                   db.session.execute(select(Need.status, func.count()).group_by(Need.status))})
    return counts
