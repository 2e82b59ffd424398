"""Reads of needs: the public list with search and filters, a need's page, queues."""
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, literal_column, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlalchemy.sql.selectable import Alias, Select

from app.extensions import db
from app.models import Need, NeedCategory, NeedStatus, need_themes
from app.models.base import parse_filter_id
from app.models.need import OPEN_LITERAL

SORTS = {"newest": "Newest first", "needed_by": "Needed soonest"}
# A search for a common word matches most rows; counting every one of them costs more than the page is worth.
SEARCH_COUNT_CAP = 1000
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

    # The orders a visitor may choose (a subclass for another kind of listing names its own).
    SORTS = SORTS

    @classmethod
    def from_args(cls, args) -> "NeedFilters":
        """Read filters from query-string arguments, ignoring anything malformed."""
        category = args.get("category", "")
        sort = args.get("sort", "newest")
        return cls(
            q=args.get("q", "").replace("\x00", " ").strip()[:200],
            category=category if category in {c.value for c in NeedCategory} else "",
            area=args.get("area", type=parse_filter_id), theme=args.get("theme", type=parse_filter_id),
            measure=args.get("measure", type=parse_filter_id),
            sort=sort if sort in cls.SORTS else "newest",
        )

    def as_args(self) -> dict:
        """The filters as URL arguments, leaving out the empty ones."""
        return {k: v for k, v in asdict(self).items() if v not in ("", None) and not (k == "sort" and v == "newest")}

    @property
    def is_filtered(self) -> bool:
        """Whether any search or filter is applied."""
        return bool(self.q or self.category) or any(v is not None for v in (self.area, self.theme, self.measure))


class _OpenRows(Alias):
    """A listing's table (needs, offers) under the name of one of its open-rows indexes (see app/models/need.py).

    SQLite's planner scans the wide table rather than a narrow partial index, so there the
    alias also says `INDEXED BY` that index; PostgreSQL chooses well on its own.
    """

    inherit_cache = True


@compiles(_OpenRows, "sqlite")
def _open_rows_on_sqlite(element, compiler, **kw):
    """`needs AS open_newest INDEXED BY ix_needs_open_newest` when used in a FROM clause."""
    sql = compiler.visit_alias(element, **kw)
    return f"{sql} INDEXED BY ix_{element.element.name}_{element.name}" if kw.get("asfrom") else sql


def open_rows(table, index: str) -> _OpenRows:
    """A listing's open rows read through its index `ix_<table>_<index>`."""
    return _OpenRows._construct(table, name=index)


def _open_needs(index: str) -> _OpenRows:
    """Open needs read through the index `ix_needs_<index>`."""
    return open_rows(Need.__table__, index)


def _search_condition(needs, q: str, fts_table: str = "needs_fts"):
    """A WHERE clause matching rows whose words match the search, for this database.

    `needs` is the needs table (or an alias of it), or another listing with the same search objects: a stored
    `search_vector` on PostgreSQL and an FTS5 table `fts_table` over its search_text on SQLite.
    """
    words = _WORD.findall(q.lower())[:10]
    if not words:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        # search_vector is a stored to_tsvector('english', search_text), made by the migrations.
        query = func.websearch_to_tsquery(literal_column("'english'::regconfig"), q)
        return literal_column(f"{needs.name}.search_vector").bool_op("@@")(query)
    fts_query = " ".join(f'"{w}"*' for w in words)
    return needs.c.id.in_(text(f"SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH :fts").bindparams(fts=fts_query))


def in_link_table(rows, link_table, key: str, other: str, other_id: int):
    """A WHERE clause: the row's id is linked to `other_id` in a many-to-many table (its themes, its areas)."""
    return rows.c.id.in_(select(link_table.c[key]).where(link_table.c[other] == other_id))


def matching_open(query, rows, filters: NeedFilters, *, area_condition=None, theme_condition=None,
                  fts_table: str = "needs_fts"):
    """Narrow a select over an open listing (needs, or offers) to the search and filters.

    A listing whose rows hold one area_id filters on it; one with several areas (or themes) passes a function of
    (rows, id) giving the condition. Needs' themes are the default.
    """
    # A literal 'open', not a bound parameter, so the database may use the partial indexes.
    query = query.where(rows.c.status == literal_column(OPEN_LITERAL))
    condition = _search_condition(rows, filters.q, fts_table) if filters.q else None
    if condition is not None:
        query = query.where(condition)
    if filters.category:
        query = query.where(rows.c.category == NeedCategory(filters.category))
    if filters.area is not None:
        query = query.where(area_condition(rows, filters.area) if area_condition else rows.c.area_id == filters.area)
    if filters.measure is not None:
        query = query.where(rows.c.measure_id == filters.measure)
    if filters.theme is not None:
        query = query.where(theme_condition(rows, filters.theme) if theme_condition
                            else in_link_table(rows, need_themes, "need_id", "theme_id", filters.theme))
    return query


def _matching(query, needs, filters: NeedFilters):
    """Narrow a select over open needs to the filters."""
    return matching_open(query, needs, filters)


def open_need_ids(filters: NeedFilters, limit: int, offset: int = 0) -> list[int]:
    """The ids of one page of open needs matching the filters, in the chosen order."""
    if filters.sort == "needed_by":
        needs = _open_needs("open_soonest")
        order = (needs.c.needed_by, needs.c.id)
    else:
        needs = _open_needs("open_newest")
        order = (needs.c.opened_at.desc(), needs.c.id.desc())
    query = _matching(select(needs.c.id), needs, filters).order_by(*order).limit(limit).offset(offset)
    return list(db.session.scalars(query))


def count_open(rows, narrow: Callable[[Select], Select], cap: int | None) -> int:
    """How many open rows `narrow` keeps, counting no further than cap + 1 when a cap is given."""
    if cap is None:
        return db.session.scalar(narrow(select(func.count()).select_from(rows)))
    first = narrow(select(literal_column("1")).select_from(rows)).limit(cap + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(first))


def count_open_needs(filters: NeedFilters, cap: int | None = None) -> int:
    """How many open needs match the filters (at most cap + 1 when capped)."""
    needs = _open_needs("open_by_id")
    return count_open(needs, lambda query: _matching(query, needs, filters), cap)


class OpenListingsPage(Pagination):
    """A page of open needs or offers: ids and count from the narrow indexes first, then just those rows in full.

    A subclass names its id, count and row reads; the filters come in as the `filters` argument.
    """

    page_ids: Callable[..., list[int]]  # (filters, limit, offset) -> the page's ids, in order
    count: Callable[..., int]  # (filters, cap) -> how many match, counting no further than cap + 1 when capped
    rows: Callable[[list[int]], Select]  # (ids) -> a select of those rows with the list's eager loads

    def _query_items(self) -> list:
        """The page's rows, in the page's order, with what the list shows loaded in a fixed number of queries."""
        ids = self.page_ids(self._query_args["filters"], self.per_page, self._query_offset)
        if not ids:
            return []
        found = {row.id: row for row in db.session.scalars(self.rows(ids))}
        return [found[row_id] for row_id in ids]

    def _query_count(self) -> int:
        """How many open rows match, across every page; a search stops counting past SEARCH_COUNT_CAP."""
        filters = self._query_args["filters"]
        return self.count(filters, SEARCH_COUNT_CAP if filters.q else None)

    @property
    def is_capped(self) -> bool:
        """Whether a search found more rows than it counts: the page says "more than" the cap."""
        return bool(self._query_args["filters"].q) and self.total > SEARCH_COUNT_CAP


def _need_rows(ids: list[int]):
    """The needs with these ids, with everything the list shows and nothing it does not."""
    return (select(Need).where(Need.id.in_(ids))
            .options(joinedload(Need.organisation), joinedload(Need.area),
                     joinedload(Need.measure).lazyload("*"), selectinload(Need.themes),
                     defer(Need.description_source), defer(Need.description_html), defer(Need.search_text),
                     defer(Need.contact), defer(Need.moderation_note)))


class OpenNeedsPage(OpenListingsPage):
    """A page of open needs."""

    page_ids, count, rows = staticmethod(open_need_ids), staticmethod(count_open_needs), staticmethod(_need_rows)


def open_needs(filters: NeedFilters, page: int, per_page: int) -> OpenNeedsPage:
    """A page of open needs matching the filters."""
    return OpenNeedsPage(page=page, per_page=per_page, max_per_page=None, error_out=False, filters=filters)


def need_with_details(need_id: int) -> Need | None:
    """One need with its organisation, area, measure and themes."""
    return db.session.scalars(
        select(Need).where(Need.id == need_id)
        .options(joinedload(Need.organisation), joinedload(Need.area), joinedload(Need.measure),
                 selectinload(Need.themes))
    ).first()


def organisation_needs(organisation_id: int, page: int, per_page: int):
    """A page of one organisation's needs, newest first, for its "Your needs" page."""
    query = (select(Need).where(Need.organisation_id == organisation_id)
             .options(joinedload(Need.measure), joinedload(Need.area))
             .order_by(Need.created_at.desc(), Need.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


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
