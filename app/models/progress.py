"""How far along a contract is: its RAG status, by a rule shown on the portfolio page."""
from datetime import date

from sqlalchemy import case

from app.models.base import LabelledEnum
from app.models.suggestion import percent_elapsed, percent_elapsed_sql

# Green when confirmed value, as a % of target, is no more than GREEN_MARGIN points behind the % of the term gone;
# amber down to AMBER_MARGIN points behind; red beyond that; grey before the contract starts or with no target.
GREEN_MARGIN = 10
AMBER_MARGIN = 25
RAG_RULE = (f"Green when the confirmed value, as a percentage of the target, is no more than {GREEN_MARGIN} "
            f"percentage points behind the percentage of the contract's term that has gone by; amber when it is "
            f"{GREEN_MARGIN} to {AMBER_MARGIN} points behind; red when it is more than {AMBER_MARGIN} points behind; "
            "grey before the contract starts, or when it has no target.")


class Rag(LabelledEnum):
    """Red, amber, green: confirmed delivery against time gone; grey when it cannot be judged yet."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"

    @property
    def label(self) -> str:
        """The status in words, for the tag and the filter."""
        return {"green": "Green: on track", "amber": "Amber: behind", "red": "Red: well behind",
                "grey": "Grey: not started or no target"}[self.value]


def term_gone_percent(starts_on: date, ends_on: date, today: date) -> int:
    """How much of a contract's term has gone by today, from 0 to 100."""
    return percent_elapsed(starts_on, ends_on, today)


def term_gone_percent_sql(starts_on, ends_on, today):
    """`term_gone_percent` as SQL."""
    return percent_elapsed_sql(starts_on, ends_on, today)


def rag_status(confirmed_pence: int, target_pence: int, starts_on: date, ends_on: date, today: date) -> Rag:
    """A contract's RAG status by RAG_RULE."""
    return rag_for_term(confirmed_pence, target_pence, term_gone_percent(starts_on, ends_on, today),
                        started=today >= starts_on)


def rag_for_term(confirmed_pence: int, target_pence: int, term_gone: int, *, started: bool) -> Rag:
    """RAG_RULE for a contract whose term_gone percent is already known, in exact whole numbers:
    points behind = term_gone - confirmed * 100 / target, so "behind <= margin" is
    (term_gone - margin) * target <= confirmed * 100."""
    if not started or target_pence <= 0:
        return Rag.GREY
    confirmed = confirmed_pence * 100
    if (term_gone - GREEN_MARGIN) * target_pence <= confirmed:
        return Rag.GREEN
    return Rag.AMBER if (term_gone - AMBER_MARGIN) * target_pence <= confirmed else Rag.RED


def rag_sql(confirmed_pence, target_pence, term_gone, starts_on, today):
    """`rag_for_term` as SQL: the status's value ("green", ...), in the same whole numbers."""
    confirmed = confirmed_pence * 100
    return case(((starts_on > today) | (target_pence <= 0), Rag.GREY.value),
                ((term_gone - GREEN_MARGIN) * target_pence <= confirmed, Rag.GREEN.value),
                ((term_gone - AMBER_MARGIN) * target_pence <= confirmed, Rag.AMBER.value), else_=Rag.RED.value)
