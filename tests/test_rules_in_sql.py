"""The portfolio's rules written as SQL (so the database can filter, sort and page by them) give exactly what the
Python rules give, on random cases and at the boundaries, on this database."""
import random
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import BigInteger, Date, Integer, Numeric, String, literal, select

from app.extensions import db
from app.models import ContractStatus, TargetKind
from app.models.contract import ended_or_ends_on, ended_or_ends_on_sql, target_in_pence, target_in_pence_sql
from app.models.progress import rag_sql, rag_status, term_gone_percent, term_gone_percent_sql
from app.models.reference import value_in_pence, value_in_pence_sql

TODAY = date(2026, 12, 3)


def _day(value: date):
    return literal(value, Date)


def _case(rng: random.Random) -> dict:
    """One random contract: its term around today, value, target set either way, confirmed pence."""
    starts = TODAY + timedelta(days=rng.randint(-2000, 200))
    ends = starts + timedelta(days=rng.choice([0, 1, 2, 30, 364, 365, rng.randint(-5, 3000)]))
    value = rng.choice([0, 1, 5, 15, 99, 5_000_000, 123_456_789, rng.randint(0, 10**11)])  # 5 at 10%: 0.5p
    return dict(
        starts=starts, ends=ends, today=TODAY + timedelta(days=rng.choice([0, 0, rng.randint(-400, 400)])),
        value=value, kind=rng.choice(list(TargetKind)),
        percent=rng.choice([Decimal(10), Decimal("12.5"), Decimal(rng.randint(0, 10000)) / 100]),
        pence=rng.choice([None, 0, rng.randint(1, 10**9)]), status=rng.choice(list(ContractStatus)),
        ended=rng.choice([None, starts + timedelta(days=rng.randint(0, 400))]),
        confirmed=rng.choice([0, rng.randint(0, 10**9), value // 10]))


def test_target_term_and_rag_in_sql_match_the_python_rules(app):
    rng = random.Random(20261203)
    with app.app_context():
        for _ in range(300):
            c = _case(rng)
            contract = SimpleNamespace(
                target_kind=literal(c["kind"].value, String), value_pence=literal(c["value"], BigInteger),
                target_percent=literal(c["percent"], Numeric(5, 2)), target_pence=literal(c["pence"], BigInteger),
                status=literal(c["status"].value, String), ended_on=literal(c["ended"], Date),
                ends_on=_day(c["ends"]))
            target_sql, ends_sql = target_in_pence_sql(contract), ended_or_ends_on_sql(contract)
            term_sql = term_gone_percent_sql(_day(c["starts"]), ends_sql, _day(c["today"]))
            rag = rag_sql(literal(c["confirmed"], BigInteger), target_sql, term_sql, _day(c["starts"]),
                          _day(c["today"]))
            target, ends, term, status = db.session.execute(select(target_sql, ends_sql, term_sql, rag)).one()

            expected_ends = ended_or_ends_on(c["status"], c["ended"], c["ends"])
            expected_target = target_in_pence(c["kind"], c["value"], c["pence"], c["percent"])
            assert (int(target), date.fromisoformat(str(ends)[:10])) == (expected_target, expected_ends), c
            assert int(term) == term_gone_percent(c["starts"], expected_ends, c["today"]), c
            assert status == rag_status(c["confirmed"], expected_target, c["starts"], expected_ends,
                                        c["today"]).value, c


@pytest.mark.parametrize("confirmed_percent", ["40", "39.99", "25", "24.99", "90", "0"])
def test_rag_in_sql_at_the_band_boundaries(app, confirmed_percent):
    starts, ends = date(2026, 1, 1), date(2026, 12, 31)
    today, target = starts + timedelta(days=182), 1_000_000        # 50% of the term gone
    confirmed = int(target * Decimal(confirmed_percent) / 100)
    with app.app_context():
        term = term_gone_percent_sql(_day(starts), _day(ends), _day(today))
        status = db.session.scalar(select(rag_sql(literal(confirmed, BigInteger), literal(target, BigInteger),
                                                  term, _day(starts), _day(today))))
    assert status == rag_status(confirmed, target, starts, ends, today).value


def test_value_in_pence_in_sql_rounds_half_up_like_python(app):
    rng = random.Random(7)
    with app.app_context():
        for _ in range(300):
            quantity = Decimal(rng.randint(0, 10**7)) / 100
            proxy = rng.choice([1, 5, 50, 1221, 2500, rng.randint(1, 10**6)])
            found = db.session.scalar(select(value_in_pence_sql(literal(quantity, Numeric(12, 2)),
                                                                literal(proxy, Integer))))
            assert int(found) == value_in_pence(quantity, proxy), (quantity, proxy)
