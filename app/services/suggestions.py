"""Keeping suggestions current: rebuild them all, refresh one need or commitment, queue refreshes, dismissals.

The formula is in app/models/suggestion.py; each commitment keeps its KEEP_PER_COMMITMENT best needs. Every flush
that changes a need, commitment, contract, pledge or ledger entry queues a refresh in the same transaction
(`_queue_refreshes`), and the worker carries them out (`carry_out_refreshes`).
"""
import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import delete, event, func, insert, inspect, select, tuple_
from sqlalchemy.orm import Session

from app.email import email_link, queue_email
from app.errors import Conflict, NotAllowed, NotFound, require
from app.extensions import db
from app.formatting import long_date
from app.models import (
    AuditEvent, Commitment, Contract, EmailKind, LedgerEntry, Need, Offer, OfferRequest, Pledge, Role, Suggestion,
    SuggestionDismissal, SuggestionRefresh, User, utcnow,
)
from app.models.suggestion import KEEP_PER_COMMITMENT, CommitmentFacts, NeedFacts, Score, rank, score
from app.permissions import is_council, is_supplier
from app.queries.suggestions import commitment_facts, commitment_suggestions, need_facts
from app.services.audit import record_audit
from app.services.transactions import locked


def _dismissed(supplier_ids: Iterable[int] | None = None, need_id: int | None = None) -> set[tuple[int, int]]:
    """(supplier, need) pairs a supplier dismissed."""
    query = select(SuggestionDismissal.supplier_id, SuggestionDismissal.need_id)
    if supplier_ids is not None:
        query = query.where(SuggestionDismissal.supplier_id.in_(list(supplier_ids)))
    if need_id is not None:
        query = query.where(SuggestionDismissal.need_id == need_id)
    return set(db.session.execute(query).all())


def _row(need: NeedFacts, commitment: CommitmentFacts, terms: Score, now) -> dict:
    """A suggestion row to insert."""
    return dict(commitment_id=commitment.id, need_id=need.id, supplier_id=commitment.supplier_id, score=terms.total,
                area_points=terms.area_points, shared_themes=terms.shared_themes, before_due=terms.before_due,
                behind_points=terms.behind_points, delivered_percent=terms.delivered_percent,
                elapsed_percent=terms.elapsed_percent, needed_by=need.needed_by, scored_at=now)


def _insert(rows: list[dict]) -> None:
    """Insert suggestion rows in batches."""
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Suggestion), rows[start:start + 5000])


def _soonest(need: NeedFacts) -> tuple:
    """The order candidates are scanned in: needed soonest, then the older need (the tie-break order)."""
    return need.needed_by, need.id


class _NeedIndex:
    """Live needs by measure and by measure and area, each list needed-soonest first, to find candidates quickly."""

    def __init__(self, needs: list[NeedFacts]):
        self.by_measure: dict[int, list[NeedFacts]] = defaultdict(list)
        self.by_area: dict[tuple[int, int], list[NeedFacts]] = defaultdict(list)
        for need in sorted(needs, key=_soonest):
            self.by_measure[need.measure_id].append(need)
            self.by_area[need.measure_id, need.area_id].append(need)

    def best_for(self, commitment: CommitmentFacts, dismissed: set[tuple[int, int]]) -> list[tuple[NeedFacts, Score]]:
        """The commitment's best needs: those in its areas rank first, so the rest are scored only to fill up."""
        if commitment.area_ids:
            nearby = heapq.merge(*(self.by_area.get((commitment.measure_id, area), ())
                                   for area in sorted(commitment.area_ids)), key=_soonest)
        else:
            nearby = self.by_measure.get(commitment.measure_id, [])
        best = _best(commitment, nearby, dismissed)
        if len(best) < KEEP_PER_COMMITMENT and commitment.area_ids:
            others = (n for n in self.by_measure.get(commitment.measure_id, ()) if n.area_id not in commitment.area_ids)
            best += _best(commitment, others, dismissed, KEEP_PER_COMMITMENT - len(best))
        return best


def _best(commitment: CommitmentFacts, needs: Iterable[NeedFacts], dismissed, keep: int | None = None):
    """The `keep` best (need, score) pairs for a commitment (KEEP_PER_COMMITMENT unless told), leaving out needs its
    supplier dismissed. `needs` come needed-soonest first, all in or all out of the commitment's areas, so the scan
    stops once no later need could score more than the weakest kept (a later need loses every tie)."""
    keep = KEEP_PER_COMMITMENT if keep is None else keep
    kept: list[tuple] = []   # a min-heap of (rank, need, score)
    ceilings: dict[bool, int] = {}
    for need in needs:
        if len(kept) == keep:
            before_due = need.needed_by <= commitment.due_on
            if before_due not in ceilings:   # the most a need can score here: every theme shared
                ceilings[before_due] = score(replace(need, theme_ids=commitment.theme_ids), commitment).total
            if kept[0][0][0] >= ceilings[before_due]:
                break
        terms = score(need, commitment) if (commitment.supplier_id, need.id) not in dismissed else None
        if terms is None:
            continue
        entry = (rank(need, terms), need, terms)
        if len(kept) < keep:
            heapq.heappush(kept, entry)
        elif entry[0] > kept[0][0]:
            heapq.heapreplace(kept, entry)
    return [(need, terms) for _rank, need, terms in sorted(kept, key=lambda entry: entry[0], reverse=True)]


def rebuild_all(today: date | None = None) -> int:
    """Work out every suggestion again from scratch, in one transaction; return how many there are."""
    today = today or date.today()
    started = utcnow()
    index = _NeedIndex(need_facts(today))
    dismissed = _dismissed()
    rows = [_row(need, commitment, terms, started) for commitment in commitment_facts(today)
            for need, terms in index.best_for(commitment, dismissed)]
    db.session.execute(delete(Suggestion))
    db.session.execute(delete(SuggestionRefresh).where(SuggestionRefresh.queued_at <= started))
    _insert(rows)
    db.session.commit()
    return len(rows)


def refresh_commitment(commitment_id: int, today: date | None = None) -> int:
    """Work out one commitment's suggestions again (none once it is full or its contract has ended)."""
    today = today or date.today()
    db.session.execute(delete(Suggestion).where(Suggestion.commitment_id == commitment_id))
    facts = commitment_facts(today, Commitment.id == commitment_id)
    if not facts:
        return 0
    commitment = facts[0]
    nearby = (Need.area_id.in_(commitment.area_ids),) if commitment.area_ids else ()
    index = _NeedIndex(need_facts(today, Need.measure_id == commitment.measure_id, *nearby))
    best = index.best_for(commitment, _dismissed([commitment.supplier_id]))
    if len(best) < KEEP_PER_COMMITMENT and commitment.area_ids:
        index = _NeedIndex(need_facts(today, Need.measure_id == commitment.measure_id))
        best = index.best_for(commitment, _dismissed([commitment.supplier_id]))
    now = utcnow()
    _insert([_row(need, commitment, terms, now) for need, terms in best])
    return len(best)


def _weakest(commitment_ids: list[int]) -> dict[int, tuple[int, tuple, int]]:
    """For each commitment with kept suggestions: (how many, the weakest one's rank, its need id), worked out in SQL."""
    place = func.row_number().over(partition_by=Suggestion.commitment_id, order_by=(
        Suggestion.score, Suggestion.needed_by.desc(), Suggestion.need_id.desc()))
    ranked = (select(Suggestion.commitment_id, Suggestion.need_id, Suggestion.score, Suggestion.needed_by,
                     place.label("place"), func.count().over(partition_by=Suggestion.commitment_id).label("kept"))
              .where(Suggestion.commitment_id.in_(commitment_ids)).subquery())
    rows = db.session.execute(select(ranked.c.commitment_id, ranked.c.kept, ranked.c.score, ranked.c.needed_by,
                                     ranked.c.need_id).where(ranked.c.place == 1))
    return {commitment_id: (kept, (total, -needed_by.toordinal(), -need_id), need_id)
            for commitment_id, kept, total, needed_by, need_id in rows}


def refresh_need(need_id: int, today: date | None = None) -> int:
    """Work out one need's place in every commitment's suggestions again (none once it is no longer open)."""
    today = today or date.today()
    db.session.execute(delete(Suggestion).where(Suggestion.need_id == need_id))
    facts = need_facts(today, Need.id == need_id)
    if not facts:
        return 0
    need = facts[0]
    dismissed = _dismissed(need_id=need_id)
    candidates = [c for c in commitment_facts(today, Commitment.measure_id == need.measure_id)
                  if (c.supplier_id, need.id) not in dismissed]
    weakest = _weakest([c.id for c in candidates])
    now, rows, pushed_out = utcnow(), [], []
    for commitment in candidates:
        terms = score(need, commitment)
        kept, weakest_rank, weakest_need = weakest.get(commitment.id, (0, None, None))
        if kept >= KEEP_PER_COMMITMENT:
            if rank(need, terms) <= weakest_rank:
                continue
            pushed_out.append((commitment.id, weakest_need))
        rows.append(_row(need, commitment, terms, now))
    if pushed_out:
        db.session.execute(delete(Suggestion).where(tuple_(Suggestion.commitment_id, Suggestion.need_id)
                                                    .in_(pushed_out)))
    _insert(rows)
    return len(rows)


def carry_out_refreshes(today: date | None = None, limit: int = 500) -> int:
    """Carry out queued refreshes, each need and commitment once; return how many were done."""
    queued = db.session.execute(select(SuggestionRefresh.id, SuggestionRefresh.need_id,
                                       SuggestionRefresh.commitment_id)
                                .order_by(SuggestionRefresh.id).limit(limit)).all()
    if not queued:
        return 0
    need_ids = {need_id for _id, need_id, _c in queued if need_id is not None}
    commitment_ids = {commitment_id for _id, _n, commitment_id in queued if commitment_id is not None}
    for need_id in sorted(need_ids):
        refresh_need(need_id, today)
    for commitment_id in sorted(commitment_ids):
        refresh_commitment(commitment_id, today)
    db.session.execute(delete(SuggestionRefresh).where(SuggestionRefresh.id.in_([row[0] for row in queued])))
    db.session.commit()
    return len(need_ids) + len(commitment_ids)


def dismiss(user: User, need_id: int, reason: str = "") -> SuggestionDismissal:
    """A supplier member says a need is not for their organisation: it is not suggested to them again."""
    require(is_supplier(user), "Only suppliers get suggestions.", NotAllowed)
    # Locking the need makes two clicks at once take turns, so the second finds the first's dismissal.
    need = locked(Need, need_id)
    require(need is not None and need.status.is_public, "Page not found.", NotFound)
    dismissal = db.session.scalars(select(SuggestionDismissal).where(
        SuggestionDismissal.supplier_id == user.organisation_id, SuggestionDismissal.need_id == need_id)).first()
    if dismissal is None:
        dismissal = SuggestionDismissal(supplier_id=user.organisation_id, need_id=need_id,
                                        reason=(reason or "").strip()[:500], dismissed_by_id=user.id)
        db.session.add(dismissal)
    db.session.execute(delete(Suggestion).where(Suggestion.supplier_id == user.organisation_id,
                                                Suggestion.need_id == need_id))
    db.session.commit()
    return dismissal


# Which changes make suggestions stale: one listener sees every flush, so no service has to remember to ask.

def _changed(obj, *names: str) -> bool:
    """Whether a flushed object is new or had one of these attributes changed."""
    state = inspect(obj)
    return state.pending or not names or any(state.attrs[name].history.has_changes() for name in names)


def _refreshes_for(session: Session, objects) -> set[tuple[int | None, int | None]]:
    """The (need, commitment) refreshes that the flushed objects call for."""
    wanted = set()
    for obj in objects:
        if isinstance(obj, Need) and _changed(obj, "status", "needed_by", "quantity", "area_id", "measure_id"):
            wanted.add((obj.id, None))
        elif isinstance(obj, Commitment):
            wanted.add((None, obj.id))
        elif isinstance(obj, Pledge) and _changed(obj, "status", "quantity", "delivered_quantity"):
            wanted |= {(obj.need_id, None), (None, obj.commitment_id)}
        elif isinstance(obj, LedgerEntry):
            wanted |= {(obj.need_id, None), (None, obj.commitment_id)}
        elif isinstance(obj, OfferRequest) and _changed(obj, "status", "quantity"):
            # A request waiting for an answer holds part of its offer's commitment.
            wanted.add((None, session.connection().scalar(select(Offer.commitment_id).where(Offer.id == obj.offer_id))))
        elif isinstance(obj, Contract) and _changed(obj, "status", "starts_on", "ends_on", "supplier_id"):
            ids = session.connection().scalars(select(Commitment.id).where(Commitment.contract_id == obj.id))
            wanted |= {(None, commitment_id) for commitment_id in ids}
    return {(need_id, commitment_id) for need_id, commitment_id in wanted if need_id or commitment_id}


@event.listens_for(Session, "after_flush")
def _queue_refreshes(session: Session, _context) -> None:
    """Queue a refresh for every need and commitment a flush changed, in the same transaction."""
    changed = [obj for obj in list(session.new) + list(session.dirty)
               if isinstance(obj, (Need, Commitment, Pledge, LedgerEntry, Contract, OfferRequest))]
    wanted = _refreshes_for(session, changed) if changed else set()
    if wanted:
        now = utcnow()
        session.connection().execute(insert(SuggestionRefresh), [
            {"need_id": need_id, "commitment_id": commitment_id, "queued_at": now}
            for need_id, commitment_id in sorted(wanted, key=str)])


SEND_AGAIN_AFTER = timedelta(days=7)
SENT_ACTION = "commitment.suggestions_sent"


def send_to_supplier(commitment_id: int, user: User, *, now: datetime | None = None) -> list:
    """A contract manager emails the supplier's members the open needs that could close a commitment's gap.

    At most once a week per commitment; recorded in the audit trail. Returns the suggestions sent.
    """
    now = now or utcnow()
    commitment = locked(Commitment, commitment_id)
    require(commitment is not None, "Page not found.", NotFound)
    contract = commitment.contract
    require(is_council(user, Role.CONTRACT_MANAGER, council_id=contract.buyer_id), "Page not found.", NotFound)
    last = db.session.scalar(select(func.max(AuditEvent.created_at)).where(
        AuditEvent.action == SENT_ACTION, AuditEvent.object_type == "commitment", AuditEvent.object_id == commitment_id))
    if last is not None and now - last < SEND_AGAIN_AFTER:
        raise Conflict(f"These were sent to {contract.supplier.name} on {long_date(last)}. You can send them again "
                       f"from {long_date(last + SEND_AGAIN_AFTER)}.")
    views = commitment_suggestions(contract.id).get(commitment_id, [])
    require(bool(views), "No open needs fit this commitment at the moment, so there is nothing to send.")
    queue_email(contract.supplier.users, "suggestions_for_commitment",
                f"Open needs that could meet your commitment on {contract.reference}", kind=EmailKind.ACTION_NEEDED,
                contract=contract, commitment=commitment, views=views,
                links={view.need.id: email_link("public_need", need_id=view.need.id) for view in views},
                link=email_link("supplier_suggestions"))
    record_audit(user, SENT_ACTION, commitment, need_ids=[view.need.id for view in views])
    db.session.commit()
    return views
