"""Suggestions: which open needs could close the gaps in suppliers' commitments, scored by one fixed formula.

A need may be suggested for a commitment when both are live: the need is open, still wanted and not fully pledged;
the commitment's contract is running, the commitment has capacity left and counts the need's measure (a pledge can
only draw on a commitment in the need's measure). Its score is the sum of these terms, and the reasons shown are
exactly the terms that scored:

- same measure: 30 points, always;
- area: 26 points when the need is in an area the commitment serves, or the commitment names no areas (it serves
  every area). 26 is more than themes and timing together, so a need in the commitment's areas always ranks first;
- themes: 5 points for each theme the need shares with the commitment, counting at most 3 (15 points);
- timing: 10 points when the need is needed by the commitment's due date;
- behind: 1 point for every 5 percentage points by which the share of the commitment's time gone (from the contract's
  start to the due date) exceeds the share of its quantity confirmed, at most 20.

Ties go to the need needed soonest, then to the older need. Each commitment keeps its KEEP_PER_COMMITMENT best needs.
Keeping the rows current is app/services/suggestions.py's job.

A row keeps each term that scored, so the reasons shown are exactly the terms that made the score.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, case
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.formatting import long_date, mid_sentence
from app.models.base import days_between, utcnow


SAME_MEASURE_POINTS = 30
AREA_POINTS = 26
THEME_POINTS = 5
THEMES_COUNTED = 3
TIMING_POINTS = 10
BEHIND_STEP = 5   # percentage points behind for each point
BEHIND_MOST = 20
KEEP_PER_COMMITMENT = 20


@dataclass(frozen=True)
class NeedFacts:
    """What the score reads of a need."""

    id: int
    measure_id: int
    area_id: int
    theme_ids: frozenset[int]
    needed_by: date


@dataclass(frozen=True)
class CommitmentFacts:
    """What the score reads of a commitment, with how far behind it is today."""

    id: int
    supplier_id: int
    measure_id: int
    area_ids: frozenset[int]
    theme_ids: frozenset[int]
    due_on: date
    delivered_percent: int
    elapsed_percent: int
    left: Decimal


@dataclass(frozen=True)
class Score:
    """The terms that scored for one need and one commitment."""

    area_points: int
    shared_themes: int
    before_due: bool
    behind_points: int
    delivered_percent: int
    elapsed_percent: int

    @property
    def total(self) -> int:
        """The score: the sum of the terms."""
        return (SAME_MEASURE_POINTS + self.area_points + THEME_POINTS * min(self.shared_themes, THEMES_COUNTED)
                + (TIMING_POINTS if self.before_due else 0) + self.behind_points)

    @classmethod
    def of_row(cls, row: "Suggestion") -> "Score":
        """The terms a stored suggestion kept."""
        return cls(row.area_points, row.shared_themes, row.before_due, row.behind_points, row.delivered_percent,
                   row.elapsed_percent)


def percent_delivered(confirmed: Decimal, quantity: Decimal) -> int:
    """Confirmed as a whole percentage of the quantity committed, from 0 to 100."""
    if quantity <= 0:
        return 100
    return max(0, min(100, int(confirmed * 100 // quantity)))


def percent_elapsed(starts_on: date, due_on: date, today: date) -> int:
    """How much of the time from the contract's start to a commitment's due date has gone, from 0 to 100."""
    span = (due_on - starts_on).days
    if span <= 0:
        return 100 if today >= due_on else 0
    return max(0, min(100, (today - starts_on).days * 100 // span))


def percent_elapsed_sql(starts_on, due_on, today):
    """`percent_elapsed` as SQL over date columns or expressions, today a bound date."""
    span, gone = days_between(due_on, starts_on), days_between(today, starts_on)
    return case((span <= 0, case((due_on <= today, 100), else_=0)), (gone <= 0, 0), (gone >= span, 100),
                else_=gone * 100 // span)


def behind_points(delivered_percent: int, elapsed_percent: int) -> int:
    """The behind term: a point for every BEHIND_STEP percentage points of time gone beyond what is delivered."""
    return min(BEHIND_MOST, max(0, elapsed_percent - delivered_percent) // BEHIND_STEP)


def score(need: NeedFacts, commitment: CommitmentFacts) -> Score | None:
    """The need's score for the commitment, or None when the commitment cannot meet it (another measure)."""
    if need.measure_id != commitment.measure_id:
        return None
    in_area = not commitment.area_ids or need.area_id in commitment.area_ids
    return Score(
        area_points=AREA_POINTS if in_area else 0,
        shared_themes=len(need.theme_ids & commitment.theme_ids),
        before_due=need.needed_by <= commitment.due_on,
        behind_points=behind_points(commitment.delivered_percent, commitment.elapsed_percent),
        delivered_percent=commitment.delivered_percent,
        elapsed_percent=commitment.elapsed_percent,
    )


def reasons(terms: Score, need, commitment) -> list[str]:
    """The reasons for a suggestion in words: one for each term that scored."""
    said = [f"Same measure: {mid_sentence(commitment.measure.name)}"]
    if terms.area_points:
        said.append(f"In {need.area.name}, an area this commitment serves" if commitment.areas
                    else f"In {need.area.name}: this commitment serves every area")
    if terms.shared_themes:
        said.append(f"Shares {terms.shared_themes} of its themes" if terms.shared_themes > 1
                    else "Shares 1 of its themes")
    if terms.before_due:
        said.append(f"Needed by {long_date(need.needed_by)}, before the commitment is due on "
                    f"{long_date(commitment.due_on)}")
    if terms.behind_points:
        said.append(f"This commitment is {terms.delivered_percent}% delivered with {terms.elapsed_percent}% "
                    "of its time gone")
    return said


def rank(need: NeedFacts, terms: Score) -> tuple:
    """The order of suggestions: highest score, then needed soonest, then the older need."""
    return (terms.total, -need.needed_by.toordinal(), -need.id)



class Suggestion(db.Model):
    """One open need scored against one commitment that could meet it."""

    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_supplier_score", "supplier_id", "score"),
        Index("ix_suggestions_commitment_score", "commitment_id", "score"),
    )

    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True, index=True)
    # The commitment's supplier, copied so "Suggested for you" reads one index.
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    score: Mapped[int]
    # The terms that made the score (app/services/suggestions.py explains each).
    area_points: Mapped[int] = mapped_column(default=0)
    shared_themes: Mapped[int] = mapped_column(default=0)
    before_due: Mapped[bool] = mapped_column(default=False)
    behind_points: Mapped[int] = mapped_column(default=0)
    delivered_percent: Mapped[int] = mapped_column(default=0)
    elapsed_percent: Mapped[int] = mapped_column(default=0)
    # The need's needed-by date, copied (an open need's date cannot change) so ranking reads this table alone.
    needed_by: Mapped[date]
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)

    commitment: Mapped["Commitment"] = relationship()  # noqa: F821
    need: Mapped["Need"] = relationship()  # noqa: F821


class SuggestionDismissal(db.Model):
    """A supplier said a need is not for it: the need is not suggested to that supplier again."""

    __tablename__ = "suggestion_dismissals"
    __table_args__ = (UniqueConstraint("supplier_id", "need_id", name="uq_suggestion_dismissals_supplier_need"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    dismissed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dismissed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SuggestionRefresh(db.Model):
    """A need or a commitment whose suggestions must be worked out again (the worker does it)."""

    __tablename__ = "suggestion_refreshes"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int | None]
    commitment_id: Mapped[int | None]
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
