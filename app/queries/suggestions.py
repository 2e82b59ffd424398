"""Reads for suggestions: the facts the score reads, a supplier's suggestions, a contract's and a need's."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Commitment, Contract, ContractStatus, LedgerEntry, Measure, Need, NeedStatus, Pledge, Suggestion, commitment_areas,
    commitment_themes, need_themes,
)
from app.models.suggestion import (
    CommitmentFacts, NeedFacts, Score, percent_delivered, percent_elapsed, rank, reasons, score,
)
from app.queries.capacity import held_by_commitment, held_by_need, held_quantity_expression


def _pairs(table, key: str, value: str, ids_query) -> dict[int, frozenset[int]]:
    """An association table's values per key, for the keys a query selects."""
    found = defaultdict(set)
    rows = db.session.execute(select(table.c[key], table.c[value]).where(table.c[key].in_(ids_query)))
    for key_id, value_id in rows:
        found[key_id].add(value_id)
    return {key_id: frozenset(values) for key_id, values in found.items()}


def live_commitments_query(today: date):
    """Commitments that may take pledges today: their contract active and in its term."""
    return (select(Commitment.id).join(Commitment.contract)
            .where(Contract.status == ContractStatus.ACTIVE, Contract.starts_on <= today, Contract.ends_on >= today))


def commitment_facts(today: date, *conditions) -> list[CommitmentFacts]:
    """Live commitments with capacity left, narrowed by conditions on Commitment."""
    ids = live_commitments_query(today).where(*conditions)
    rows = db.session.execute(
        select(Commitment.id, Contract.supplier_id, Commitment.measure_id, Commitment.quantity, Commitment.due_on,
               Contract.starts_on).join(Commitment.contract).where(Commitment.id.in_(ids))).all()
    held = held_by_commitment(ids)
    confirmed = dict(db.session.execute(select(LedgerEntry.commitment_id, func.sum(LedgerEntry.quantity))
                                        .where(LedgerEntry.commitment_id.in_(ids))
                                        .group_by(LedgerEntry.commitment_id)).all())
    areas = _pairs(commitment_areas, "commitment_id", "area_id", ids)
    themes = _pairs(commitment_themes, "commitment_id", "theme_id", ids)
    return [
        CommitmentFacts(cid, supplier_id, measure_id, areas.get(cid, frozenset()), themes.get(cid, frozenset()), due_on,
                        percent_delivered(Decimal(confirmed.get(cid) or 0), quantity),
                        percent_elapsed(starts_on, due_on, today), quantity - Decimal(held.get(cid) or 0))
        for cid, supplier_id, measure_id, quantity, due_on, starts_on in rows
        if quantity - Decimal(held.get(cid) or 0) > 0
    ]


def need_facts(today: date, *conditions) -> list[NeedFacts]:
    """Open, still wanted needs with something left to pledge, narrowed by conditions on Need."""
    live = (Need.status == NeedStatus.OPEN, Need.needed_by >= today, *conditions)
    ids = select(Need.id).where(*live)
    rows = db.session.execute(select(Need.id, Need.measure_id, Need.area_id, Need.needed_by, Need.quantity)
                              .where(*live)).all()
    held = dict(db.session.execute(select(Pledge.need_id, func.sum(held_quantity_expression()))
                                   .where(Pledge.need_id.in_(ids)).group_by(Pledge.need_id)).all())
    themes = _pairs(need_themes, "need_id", "theme_id", ids)
    return [NeedFacts(nid, measure_id, area_id, themes.get(nid, frozenset()), needed_by)
            for nid, measure_id, area_id, needed_by, quantity in rows if quantity - Decimal(held.get(nid) or 0) > 0]




@dataclass
class SuggestionView:
    """One suggestion as a page shows it: the need, the commitment, the terms that scored and how much to pledge."""

    need: Need
    commitment: Commitment
    terms: Score
    quantity: Decimal  # the smaller of what the need and the commitment have left

    @property
    def reasons(self) -> list[str]:
        """Why it is suggested, one reason for each term that scored."""
        return reasons(self.terms, self.need, self.commitment)


def _need_loads():
    """Eager loads for what a suggestion shows: its need's group and area, its commitment's contract, measure and
    areas (not the measure's categories or proxy values, which a suggestion never shows)."""
    measure = joinedload(Suggestion.commitment).joinedload(Commitment.measure)
    return (joinedload(Suggestion.need).joinedload(Need.area), joinedload(Suggestion.need).joinedload(Need.organisation),
            joinedload(Suggestion.commitment).joinedload(Commitment.contract),
            measure.lazyload(Measure.category_rows), measure.lazyload(Measure.proxy_values),
            joinedload(Suggestion.commitment).selectinload(Commitment.areas))


def _still_open(today: date):
    """Conditions that keep a suggestion's need open and wanted (stale rows are never shown)."""
    return (Suggestion.need_id == Need.id, Need.status == NeedStatus.OPEN, Suggestion.needed_by >= today)


def _best_per_need(supplier_id: int, commitment_ids: list[int], today: date) -> list[tuple[int, int]]:
    """Each of a supplier's suggested needs once, with its best-scoring live commitment: (commitment, need), best
    first. A supplier's rows are few (each commitment keeps at most KEEP_PER_COMMITMENT), so one indexed read of
    them and a sort here beats a window query."""
    rows = db.session.execute(
        select(Suggestion.commitment_id, Suggestion.need_id, Suggestion.score, Suggestion.needed_by)
        .join(Need, Need.id == Suggestion.need_id)
        .where(Suggestion.supplier_id == supplier_id, Suggestion.commitment_id.in_(commitment_ids),
               *_still_open(today))).all()
    best: dict[int, tuple] = {}
    for commitment_id, need_id, total, needed_by in rows:
        rank_of = (-total, needed_by, need_id, commitment_id)
        if need_id not in best or rank_of < best[need_id]:
            best[need_id] = rank_of
    return [(commitment_id, need_id) for _t, _n, need_id, commitment_id in sorted(best.values())]


def _views(rows: list[Suggestion], left_of_commitment: dict[int, Decimal]) -> list[SuggestionView]:
    """Suggestion rows as views, leaving out any need that pledges have filled since it was scored."""
    held = held_by_need([row.need_id for row in rows])
    views = []
    for row in rows:
        need_left = row.need.quantity - held.get(row.need_id, Decimal(0))
        if need_left > 0:
            views.append(SuggestionView(row.need, row.commitment, Score.of_row(row),
                                        min(need_left, left_of_commitment[row.commitment_id])))
    return views


class SuggestionsPage(Pagination):
    """A page of a supplier's suggestions, best first."""

    def __init__(self, ranked: list[tuple[int, int]], page: int, per_page: int, left: dict[int, Decimal]):
        self._ranked, self._left = ranked, left
        super().__init__(page=page, per_page=per_page)

    def _query_items(self) -> list[SuggestionView]:
        """The page's suggestions with their needs and commitments, in a fixed number of queries."""
        keys = self._ranked[(self.page - 1) * self.per_page:self.page * self.per_page]
        if not keys:
            return []
        rows = {(row.commitment_id, row.need_id): row for row in db.session.scalars(
            select(Suggestion).where(tuple_(Suggestion.commitment_id, Suggestion.need_id).in_(keys))
            .options(*_need_loads())).unique()}
        return _views([rows[key] for key in keys if key in rows], self._left)

    def _query_count(self) -> int:
        """How many needs are suggested."""
        return len(self._ranked)


def commitments_left(today: date, *conditions) -> dict[int, Decimal]:
    """What live commitments (narrowed by conditions on Commitment) have left to pledge, for those with some left."""
    ids = live_commitments_query(today).where(*conditions)
    quantities = db.session.execute(select(Commitment.id, Commitment.quantity).where(Commitment.id.in_(ids))).all()
    held = held_by_commitment(ids)
    left = {cid: quantity - Decimal(held.get(cid) or 0) for cid, quantity in quantities}
    return {cid: remaining for cid, remaining in left.items() if remaining > 0}


def supplier_suggestions(supplier_id: int, page: int, per_page: int, today: date | None = None) -> SuggestionsPage:
    """"Suggested for you": open needs for a supplier's commitments that have capacity left, best first."""
    today = today or date.today()
    left = commitments_left(today, Contract.supplier_id == supplier_id)
    return SuggestionsPage(_best_per_need(supplier_id, list(left), today), page, per_page, left)


def suggestion_count(supplier_id: int, today: date | None = None) -> int:
    """How many needs are suggested to a supplier now."""
    today = today or date.today()
    live = live_commitments_query(today).where(Contract.supplier_id == supplier_id)
    return db.session.scalar(select(func.count(func.distinct(Suggestion.need_id))).join(Need, Need.id == Suggestion.need_id)
                             .where(Suggestion.supplier_id == supplier_id, Suggestion.commitment_id.in_(live),
                                    *_still_open(today)))


def commitment_suggestions(contract_id: int, today: date | None = None, keep: int = 3) -> dict[int, list[SuggestionView]]:
    """The best open needs for each of a contract's commitments that has a gap, for its contract manager."""
    today = today or date.today()
    left = commitments_left(today, Commitment.contract_id == contract_id)
    if not left:
        return {}
    ranked = (select(Suggestion.commitment_id, Suggestion.need_id, func.row_number().over(
        partition_by=Suggestion.commitment_id, order_by=(Suggestion.score.desc(), Need.needed_by, Need.id)).label("place"))
        .join(Need, Need.id == Suggestion.need_id)
        .where(Suggestion.commitment_id.in_(list(left)), *_still_open(today)).subquery())
    rows = db.session.scalars(
        select(Suggestion).join(ranked, (ranked.c.commitment_id == Suggestion.commitment_id)
                                & (ranked.c.need_id == Suggestion.need_id))
        .where(ranked.c.place <= keep).options(*_need_loads())
        .order_by(Suggestion.commitment_id, Suggestion.score.desc())).unique().all()
    found = defaultdict(list)
    for view in _views(list(rows), left):
        found[view.commitment.id].append(view)
    return dict(found)


def fitting_commitments(supplier_id: int, need: Need, today: date | None = None) -> list[SuggestionView]:
    """"Your commitments that fit": a supplier's live commitments that could meet a need, best first, with reasons."""
    today = today or date.today()
    facts = need_facts(today, Need.id == need.id)
    if not facts:
        return []
    candidates = commitment_facts(today, Contract.supplier_id == supplier_id, Commitment.measure_id == need.measure_id)
    terms = {c.id: score(facts[0], c) for c in candidates}
    scored = sorted(((rank(facts[0], terms[c.id]), c, terms[c.id]) for c in candidates),
                    key=lambda row: row[0], reverse=True)
    commitments = {c.id: c for c in db.session.scalars(
        select(Commitment).where(Commitment.id.in_([c.id for _r, c, _t in scored]))
        .options(joinedload(Commitment.contract), joinedload(Commitment.measure), selectinload(Commitment.areas)))}
    need_left = need.quantity - held_by_need([need.id]).get(need.id, Decimal(0))
    return [SuggestionView(need, commitments[c.id], terms, min(need_left, c.left)) for _r, c, terms in scored]
