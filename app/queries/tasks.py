"""What needs each person's action now: counts for the home page of tasks, a fixed number of queries per role."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, select

from app import permissions
from app.extensions import db
from app.models import (
    HOLDS_DELIVERED, HOLDS_PLEDGED, Commitment, Contract, ContractStatus, LedgerEntry, Need, NeedStatus, Offer,
    OfferRequest, Organisation, OrganisationKind, OrganisationStatus, OutboxMessage, OutboxStatus, Pledge,
    PledgeStatus, Role, User, utcnow,
)
from app.models.offer import OfferRequestStatus, OfferStatus
from app.models.progress import GREEN_MARGIN, Rag, rag_status
from app.queries.kpis import kpi_rating_facts, kpi_rating_overdue
from app.queries.suggestions import commitment_facts, suggestion_count

# A need this close to its needed-by date with nothing pledged is about to expire unmet.
EXPIRY_WARNING = timedelta(days=14)
# Commitments due this soon with capacity left want pledges now.
DUE_SOON = timedelta(days=60)


@dataclass
class Task:
    """One kind of thing to do: how many are waiting, where to do them, and how long the oldest has waited."""

    name: str
    count: int
    endpoint: str
    oldest: datetime | None = None
    hint: str = ""


@dataclass
class TaskGroup:
    """The tasks of one of the person's roles."""

    heading: str
    tasks: list[Task] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        """How many things in this group need action."""
        return sum(task.count for task in self.tasks)


def _count(query) -> int:
    """A COUNT query's answer."""
    return db.session.scalar(query) or 0


def _count_and_oldest(model, when, *where) -> tuple[int, datetime | None]:
    """How many rows match and the earliest of their timestamps, in one query."""
    count, oldest = db.session.execute(select(func.count(), func.min(when)).select_from(model).where(*where)).one()
    return count or 0, oldest


def vcse_tasks(organisation_id: int, today: date) -> TaskGroup:
    """A VCSE's tasks: pledges to answer, deliveries to confirm, needs sent back, needs about to expire unmet."""
    def pledges(status):
        return _count(select(func.count(Pledge.id)).where(Pledge.vcse_id == organisation_id, Pledge.status == status))
    held = exists().where(Pledge.need_id == Need.id,
                          Pledge.status.in_(HOLDS_PLEDGED | HOLDS_DELIVERED | {PledgeStatus.CONFIRMED}))
    return TaskGroup("Your group", [
        Task("Pledges to answer", pledges(PledgeStatus.OFFERED), "vcse.pledges"),
        Task("Deliveries to confirm", pledges(PledgeStatus.DELIVERED), "vcse.pledges"),
        Task("Needs sent back for changes", _count(select(func.count(Need.id)).where(
            Need.organisation_id == organisation_id, Need.status == NeedStatus.CHANGES_REQUESTED)), "vcse.needs_list"),
        Task("Needs about to expire with no pledge", _count(select(func.count(Need.id)).where(
            Need.organisation_id == organisation_id, Need.status == NeedStatus.OPEN,
            Need.needed_by <= today + EXPIRY_WARNING, ~held)), "vcse.needs_list",
             hint=f"Open needs due within {EXPIRY_WARNING.days} days that nobody has pledged to yet."),
    ])


def supplier_tasks(organisation_id: int, today: date) -> TaskGroup:
    """A supplier's tasks: suggestions, accepted pledges to deliver, requests for its offers, commitments due soon."""
    due_soon = commitment_facts(today, Contract.supplier_id == organisation_id,
                                Commitment.due_on <= today + DUE_SOON)
    return TaskGroup("Your organisation", [
        Task("Suggested for you", suggestion_count(organisation_id, today), "supplier.suggestions",
             hint="Open needs that your commitments could meet."),
        Task("Accepted pledges to deliver", _count(select(func.count(Pledge.id)).where(
            Pledge.supplier_id == organisation_id, Pledge.status == PledgeStatus.ACCEPTED)), "supplier.pledges"),
        Task("Requests for your offers", _count(select(func.count(OfferRequest.id)).where(
            OfferRequest.supplier_id == organisation_id, OfferRequest.status == OfferRequestStatus.REQUESTED)),
             "supplier.offers"),
        Task("Commitments due soon with some left to pledge", len(due_soon), "supplier.contracts",
             hint=f"Due within {DUE_SOON.days} days."),
    ])


def moderator_tasks(council_id: int) -> TaskGroup:
    """A moderator's queues, each with its count and the oldest item's age."""
    organisations = _count_and_oldest(Organisation, Organisation.created_at,
                                      Organisation.status == OrganisationStatus.PENDING,
                                      Organisation.kind != OrganisationKind.BUYER)
    needs = _count_and_oldest(Need, Need.submitted_at, Need.status == NeedStatus.PENDING_REVIEW)
    offers = _count_and_oldest(Offer, Offer.submitted_at, Offer.status == OfferStatus.PENDING_REVIEW)
    on_council = Pledge.commitment_id.in_(select(Commitment.id).join(Commitment.contract)
                                          .where(Contract.buyer_id == council_id))
    disputes = _count_and_oldest(Pledge, Pledge.delivered_at, Pledge.status == PledgeStatus.DISPUTED, on_council)
    return TaskGroup("Moderation", [
        Task("Organisations waiting for approval", organisations[0], "moderation.organisation_queue",
             oldest=organisations[1]),
        Task("Needs waiting for review", needs[0], "moderation.need_queue", oldest=needs[1]),
        Task("Offers waiting for review", offers[0], "moderation.offer_queue", oldest=offers[1]),
        Task("Disputed deliveries", disputes[0], "moderation.disputes", oldest=disputes[1]),
    ])


def _behind(contract: Contract, confirmed_pence: int, today: date) -> bool:
    """Amber or red by the portfolio's RAG rule: confirmed value trails the term gone by more than GREEN_MARGIN."""
    rag = rag_status(confirmed_pence, contract.target_in_pence, contract.starts_on, contract.ends_on, today)
    return rag in (Rag.AMBER, Rag.RED)


def contract_manager_tasks(user_id: int, today: date) -> TaskGroup:
    """A contract manager's tasks on the contracts they manage: behind target, disputed, overdue commitments."""
    running = (Contract.contract_manager_id == user_id, Contract.status == ContractStatus.ACTIVE,
               Contract.starts_on <= today)
    rows = db.session.execute(select(Contract, *kpi_rating_facts()).where(*running, Contract.ends_on >= today)).all()
    contracts = [row[0] for row in rows]
    confirmed = dict(db.session.execute(select(LedgerEntry.contract_id, func.sum(LedgerEntry.value_pence))
                                        .join(Contract, Contract.id == LedgerEntry.contract_id).where(*running)
                                        .group_by(LedgerEntry.contract_id)).all())
    confirmed_units = (select(func.coalesce(func.sum(LedgerEntry.quantity), 0))
                       .where(LedgerEntry.commitment_id == Commitment.id).correlate(Commitment).scalar_subquery())
    overdue = _count(select(func.count(Commitment.id)).join(Commitment.contract).where(
        *running, Commitment.due_on < today, confirmed_units < Commitment.quantity))
    disputes = _count(select(func.count(Pledge.id)).join(Commitment, Commitment.id == Pledge.commitment_id)
                      .join(Contract, Contract.id == Commitment.contract_id)
                      .where(Contract.contract_manager_id == user_id, Pledge.status == PledgeStatus.DISPUTED))
    return TaskGroup("Contracts you manage", [
        Task("Contracts behind target", sum(_behind(c, confirmed.get(c.id) or 0, today) for c in contracts),
             "contracts.index", hint=f"Confirmed value trails the share of the term gone by more than "
                                     f"{GREEN_MARGIN} percentage points."),
        Task("Disputed deliveries", disputes, "contracts.index", hint="A moderator resolves each one."),
        Task("Overdue commitments", overdue, "contracts.index",
             hint="Past their due date with less confirmed than committed."),
        Task("KPI ratings due", sum(kpi_rating_overdue(*row, today) for row in rows), "contracts.index",
             hint="Contracts whose published KPIs have had no rating for 12 months (Procurement Act 2023)."),
    ])


def admin_tasks() -> TaskGroup:
    """An admin's tasks: emails that failed to send, and invitations not yet accepted."""
    failed = _count_and_oldest(OutboxMessage, OutboxMessage.created_at, OutboxMessage.status == OutboxStatus.FAILED)
    pending = _count_and_oldest(User, User.created_at, User.password_hash.is_(None), User.is_removed.is_(False),
                                User.invited_by_id.is_not(None))
    return TaskGroup("Administration", [
        Task("Emails that failed to send", failed[0], "admin.outbox_page", oldest=failed[1]),
        Task("Invitations not yet accepted", pending[0], "admin.users", oldest=pending[1]),
    ])


def tasks_for(user: User, today: date | None = None) -> list[TaskGroup]:
    """Every group of tasks for a person's organisation and council roles."""
    today = today or date.today()
    groups = []
    if permissions.is_vcse(user):
        groups.append(vcse_tasks(user.organisation_id, today))
    if permissions.is_supplier(user):
        groups.append(supplier_tasks(user.organisation_id, today))
    if permissions.is_council(user, Role.MODERATOR):
        groups.append(moderator_tasks(user.organisation_id))
    if permissions.is_council(user, Role.CONTRACT_MANAGER):
        groups.append(contract_manager_tasks(user.id, today))
    if permissions.is_council(user, Role.ADMIN):
        groups.append(admin_tasks())
    return groups


def age(since: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in words: "today", "1 day", "12 days"."""
    if since is None:
        return ""
    days = ((now or utcnow()) - since).days
    return "today" if days < 1 else f"{days} day" + ("" if days == 1 else "s")
