"""Reads of case studies: the moderators' queue, one for review, and the published ones for public pages and reports."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload

from app.extensions import db
from app.models import (
    CaseStudy, CaseStudyStatus, Commitment, Contract, LedgerEntry, Need, Offer, OfferRequest, Organisation, Pledge,
)


@dataclass(frozen=True)
class PublishedCaseStudy:
    """A published story with what it is about: the need, both organisations and the confirmed value."""

    id: int
    story: str
    need_title: str
    vcse_name: str
    supplier_name: str
    value_pence: int
    delivered_on: date


def _on_council_contracts(query, buyer_id: int):
    """Limit a case study query to deliveries on the council's contracts."""
    return (query.join(Pledge, Pledge.id == CaseStudy.pledge_id)
            .join(Commitment, Commitment.id == Pledge.commitment_id)
            .join(Contract, Contract.id == Commitment.contract_id).where(Contract.buyer_id == buyer_id))


def case_study_counts(buyer_id: int) -> dict[str, int]:
    """How many of the council's case studies are in each status, every status present."""
    rows = db.session.execute(_on_council_contracts(
        select(CaseStudy.status, func.count(CaseStudy.id)), buyer_id).group_by(CaseStudy.status))
    counts = {status.value: 0 for status in CaseStudyStatus}
    counts.update({status.value: n for status, n in rows})
    return counts


def _loads():
    """Eager loads for showing a case study to a moderator."""
    return (joinedload(CaseStudy.pledge).joinedload(Pledge.need), joinedload(CaseStudy.pledge).joinedload(Pledge.vcse),
            joinedload(CaseStudy.pledge).joinedload(Pledge.supplier),
            joinedload(CaseStudy.pledge).joinedload(Pledge.offer_request).joinedload(OfferRequest.offer),
            joinedload(CaseStudy.pledge).joinedload(Pledge.commitment).joinedload(Commitment.contract),
            joinedload(CaseStudy.ledger_entry), joinedload(CaseStudy.consent_by))


def case_study_queue(buyer_id: int, page: int, per_page: int):
    """A page of the council's case studies waiting for review, oldest consent first."""
    query = _on_council_contracts(select(CaseStudy).where(CaseStudy.status == CaseStudyStatus.PENDING), buyer_id)
    query = query.options(*_loads()).order_by(CaseStudy.consent_at, CaseStudy.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def case_study_for_review(case_study_id: int, buyer_id: int) -> CaseStudy | None:
    """One case study on the council's contracts, in any status, with what a moderator needs to judge it."""
    query = _on_council_contracts(select(CaseStudy).where(CaseStudy.id == case_study_id), buyer_id)
    return db.session.scalars(query.options(*_loads())).first()


def _published(*conditions):
    """One SELECT of published stories whose delivery still counts (not reversed), with what each is about."""
    vcse, supplier, reversal = aliased(Organisation), aliased(Organisation), aliased(LedgerEntry)
    title = func.coalesce(Need.title, Offer.title)
    return (select(CaseStudy.id, CaseStudy.edited_story, title, vcse.name, supplier.name, LedgerEntry.value_pence,
                   LedgerEntry.delivered_on)
            .join(LedgerEntry, LedgerEntry.id == CaseStudy.ledger_entry_id)
            .join(Pledge, Pledge.id == CaseStudy.pledge_id)
            .join(vcse, vcse.id == LedgerEntry.vcse_id).join(supplier, supplier.id == LedgerEntry.supplier_id)
            .outerjoin(Need, Need.id == Pledge.need_id)
            .outerjoin(OfferRequest, OfferRequest.id == Pledge.offer_request_id)
            .outerjoin(Offer, Offer.id == OfferRequest.offer_id)
            .where(CaseStudy.status == CaseStudyStatus.PUBLISHED, *conditions,
                   ~exists().where(and_(reversal.reverses_id == LedgerEntry.id))))


def published_case_studies(limit: int, *, since: date | None = None, until: date | None = None,
                           council_id: int | None = None) -> list[PublishedCaseStudy]:
    """The latest published case studies (by delivery date, newest first), in one query: each with its edited story,
    need's title, the group's and supplier's names, the confirmed value in pence and the delivery date.

    `since` and `until` are inclusive delivery dates; `council_id` keeps one council's contracts.
    """
    conditions = []
    if since is not None:
        conditions.append(LedgerEntry.delivered_on >= since)
    if until is not None:
        conditions.append(LedgerEntry.delivered_on <= until)
    if council_id is not None:
        conditions.append(LedgerEntry.contract_id.in_(select(Contract.id).where(Contract.buyer_id == council_id)))
    query = _published(*conditions).order_by(LedgerEntry.delivered_on.desc(), CaseStudy.id.desc()).limit(limit)
    return [PublishedCaseStudy(*row) for row in db.session.execute(query)]


def published_case_study(case_study_id: int) -> PublishedCaseStudy | None:
    """One published case study whose delivery still counts, or None."""
    row = db.session.execute(_published(CaseStudy.id == case_study_id)).first()
    return None if row is None else PublishedCaseStudy(*row)
