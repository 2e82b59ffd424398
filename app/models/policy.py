"""The council's social value policy: when social value is expected of a contract, and how much."""
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, ForeignKey, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


@dataclass(frozen=True)
class PolicyTerms:
    """What a policy asks: a value threshold, and a level as % of contract value and/or £ per £ of spend."""

    threshold_pence: int
    percent_of_value: Decimal | None
    pounds_per_pound: Decimal | None

    @property
    def expected_percent(self) -> Decimal | None:
        """The level as one percentage of contract value: the higher of the two ways of setting it."""
        levels = [level for level in (self.percent_of_value,
                                      None if self.pounds_per_pound is None else self.pounds_per_pound * 100)
                  if level is not None]
        return max(levels) if levels else None

    def applies_to(self, value_pence: int) -> bool:
        """Whether social value is expected of a contract worth this much (more than the threshold)."""
        return value_pence > self.threshold_pence

    def expected_pence(self, value_pence: int) -> int | None:
        """The least target the policy expects of a contract worth this much, or None when it expects none."""
        percent = self.expected_percent
        if percent is None or not self.applies_to(value_pence):
            return None
        return int((Decimal(value_pence) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class CouncilPolicy(db.Model):
    """One council's policy as its admin set it (until then, the defaults from configuration apply)."""

    __tablename__ = "council_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    threshold_pence: Mapped[int] = mapped_column(BigInteger)
    percent_of_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    pounds_per_pound: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def terms(self) -> PolicyTerms:
        """The policy's terms."""
        return PolicyTerms(self.threshold_pence, self.percent_of_value, self.pounds_per_pound)
