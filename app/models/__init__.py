"""All models, imported here so Alembic and the app see every table."""
from app.models.annual_report import AnnualReportCaseStudy
from app.models.audit import AuditEvent, OutboxMessage, OutboxStatus
from app.models.base import utcnow
from app.models.case_study import CaseStudy, CaseStudyStatus
from app.models.contract import Commitment, Contract, ContractStatus, TargetKind, commitment_areas, commitment_themes
from app.models.evidence import EvidenceFile, EvidenceStage
from app.models.kpi import KpiRating, KpiRatingValue
from app.models.ledger import CommitmentLedgerTotal, LedgerEntry, LedgerIsAppendOnly
from app.models.pledge import HOLDS_DELIVERED, HOLDS_PLEDGED, Pledge, PledgeStatus
from app.models.need import EDITABLE_STATUSES, PUBLIC_STATUSES, Need, NeedStatus, need_themes
from app.models.notification import (
    DEFAULT_FREQUENCIES, DigestItem, EmailKind, Frequency, NotificationSetting, ReminderSent, ReminderStage,
    UnsubscribeUse, kinds_for,
)
from app.models.offer import (
    OFFER_PUBLIC_STATUSES, Offer, OfferRequest, OfferRequestStatus, OfferStatus, offer_areas, offer_themes,
)
from app.models.policy import CouncilPolicy, PolicyTerms
from app.models.organisation import Organisation, OrganisationKind, OrganisationStatus, organisation_areas
from app.models.reference import (
    Area, Measure, MeasureCategory, MeasureCode, NeedCategory, ProxyValue, ProxyValueIsFixed, Theme,
)
from app.models.schedule import ScheduledJob
from app.models.suggestion import Suggestion, SuggestionDismissal, SuggestionRefresh
from app.models.user import Role, TokenPurpose, User, UserRole, UserToken

__all__ = [
    "AnnualReportCaseStudy",
    "CommitmentLedgerTotal", "CouncilPolicy", "PolicyTerms",
    "Commitment", "Contract", "ContractStatus", "HOLDS_DELIVERED", "HOLDS_PLEDGED", "LedgerEntry", "LedgerIsAppendOnly",
    "Pledge", "PledgeStatus", "TargetKind", "commitment_areas", "commitment_themes",
    "Area", "AuditEvent", "EDITABLE_STATUSES", "Need", "NeedStatus", "PUBLIC_STATUSES", "need_themes", "Measure", "MeasureCategory", "MeasureCode", "NeedCategory", "Organisation", "OrganisationKind",
    "OrganisationStatus", "OutboxMessage", "OutboxStatus", "ProxyValue", "ProxyValueIsFixed", "Role", "ScheduledJob", "Suggestion", "SuggestionDismissal", "SuggestionRefresh", "Theme", "TokenPurpose",
    "User", "UserRole", "UserToken", "organisation_areas", "utcnow",
    "DEFAULT_FREQUENCIES", "DigestItem", "EmailKind", "Frequency", "NotificationSetting", "ReminderSent",
    "ReminderStage", "UnsubscribeUse", "kinds_for",
    "CaseStudy", "CaseStudyStatus", "EvidenceFile", "EvidenceStage",
    "KpiRating", "KpiRatingValue",
    "OFFER_PUBLIC_STATUSES", "Offer", "OfferRequest", "OfferRequestStatus", "OfferStatus", "offer_areas", "offer_themes",
]
