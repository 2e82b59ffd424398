"""Reminders go once per object and stage, to the people whose action is needed, and never twice."""
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Commitment, EmailKind, Frequency, NotificationSetting, OutboxMessage, Pledge, ReminderSent, ReminderStage, User,
    utcnow,
)
from app.services import reminders
from tests import factories_contracts as contracts
from tests.conftest import IS_POSTGRES
from tests.loop_world import build_loop_world

TODAY = date.today()


def sent(ctx) -> list[tuple[str, str]]:
    """(template, recipient) of every queued email, sorted."""
    with ctx():
        return sorted(db.session.execute(select(OutboxMessage.template, OutboxMessage.to_email)).all())


def emails(make, *user_ids: int) -> list[str]:
    """Users' email addresses."""
    return [make.get(User, user_id).email for user_id in user_ids]


def change(ctx, model, obj_id: int, **values) -> None:
    """Set columns on a row directly, as time passing would."""
    with ctx():
        obj = db.session.get(model, obj_id)
        for name, value in values.items():
            setattr(obj, name, value)
        db.session.commit()


@pytest.fixture
def world(app, make):
    """The pledge loop's world, with a second member in the group and in the supplier."""
    world = build_loop_world(app, make, commitment_qty="100", need_qty="50")
    world.vcse_colleague = make.user(world.vcse)
    world.supplier_colleague = make.user(world.supplier)
    return world


def test_an_accepted_pledge_past_its_date_reminds_the_supplier_once(app, make, ctx, world):
    late = contracts.pledge(app, world.need, world.commitment, status="accepted")
    contracts.pledge(app, world.need, world.commitment, status="accepted")  # proposed for next week
    change(ctx, Pledge, late, proposed_on=TODAY - timedelta(days=1))
    with ctx():
        assert reminders.send_reminders()[ReminderStage.PLEDGE_NOT_DELIVERED] == 1
        assert reminders.send_reminders()[ReminderStage.PLEDGE_NOT_DELIVERED] == 0
    assert sent(ctx) == sorted(("reminder_pledge_not_delivered", e)
                               for e in emails(make, world.supplier_user, world.supplier_colleague))
    with ctx():
        assert db.session.scalars(select(ReminderSent.object_id)).all() == [late]


def test_an_unconfirmed_delivery_reminds_the_group_at_7_days_and_moderators_at_14(app, make, ctx, world):
    pledge = contracts.pledge(app, world.need, world.commitment, status="delivered")
    change(ctx, Pledge, pledge, delivered_at=utcnow() - timedelta(days=6))
    with ctx():
        assert sum(reminders.send_reminders().values()) == 0
    change(ctx, Pledge, pledge, delivered_at=utcnow() - timedelta(days=8))
    with ctx():
        assert reminders.send_reminders()[ReminderStage.DELIVERY_UNCONFIRMED] == 1
        assert sum(reminders.send_reminders().values()) == 0
    group = sorted(("reminder_delivery_unconfirmed", e) for e in emails(make, world.vcse_user, world.vcse_colleague))
    assert sent(ctx) == group

    change(ctx, Pledge, pledge, delivered_at=utcnow() - timedelta(days=15))
    with ctx():
        counts = reminders.send_reminders()
        assert counts[ReminderStage.DELIVERY_UNCONFIRMED_MODERATORS] == 1
        assert counts[ReminderStage.DELIVERY_UNCONFIRMED] == 0  # the group's stage went already
        assert sum(reminders.send_reminders().values()) == 0
    assert sent(ctx) == sorted(group + [("reminder_delivery_unconfirmed", emails(make, world.moderator)[0])])


def test_a_commitment_due_within_30_days_with_capacity_left_reminds_supplier_and_manager(app, make, ctx, world):
    soon = contracts.commitment(app, db_contract(ctx, world.commitment), world.measure, "20",
                                due_on=TODAY + timedelta(days=20))
    full = contracts.commitment(app, db_contract(ctx, world.commitment), world.measure, "5",
                                due_on=TODAY + timedelta(days=20))
    contracts.pledge(app, world.need, full, quantity="5", status="accepted")
    contracts.commitment(app, db_contract(ctx, world.commitment), world.measure, "20",
                         due_on=TODAY + timedelta(days=40))
    with ctx():
        assert reminders.send_reminders()[ReminderStage.COMMITMENT_DUE] == 1
        assert reminders.send_reminders()[ReminderStage.COMMITMENT_DUE] == 0
        assert db.session.scalars(select(ReminderSent.object_id)).all() == [soon]
    assert sent(ctx) == sorted(("reminder_commitment_due", e) for e in emails(
        make, world.supplier_user, world.supplier_colleague, world.manager))
    with ctx():
        manager_email = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.to_email == emails(make, world.manager)[0])).one()
        assert "20 hours" in manager_email.body_text and "/contracts/" in manager_email.body_text


def db_contract(ctx, commitment_id: int) -> int:
    """The contract a commitment belongs to."""
    with ctx():
        return db.session.get(Commitment, commitment_id).contract_id


def test_a_need_expiring_within_7_days_with_no_pledge_reminds_the_group(app, make, ctx, world):
    expiring = make.need(world.vcse, needed_by=TODAY + timedelta(days=5), measure_id=world.measure, title="Soon")
    pledged = make.need(world.vcse, needed_by=TODAY + timedelta(days=5), measure_id=world.measure)
    contracts.pledge(app, pledged, world.commitment, status="offered")
    make.need(world.vcse, needed_by=TODAY + timedelta(days=9), measure_id=world.measure)
    make.need(world.vcse, status="draft", needed_by=TODAY + timedelta(days=3), measure_id=world.measure)
    with ctx():
        assert reminders.send_reminders()[ReminderStage.NEED_EXPIRING] == 1
        assert reminders.send_reminders()[ReminderStage.NEED_EXPIRING] == 0
        assert db.session.scalars(select(ReminderSent.object_id)).all() == [expiring]
    assert sent(ctx) == sorted(("reminder_need_expiring", e) for e in emails(make, world.vcse_user, world.vcse_colleague))


def test_reminders_are_action_needed_emails_and_follow_that_choice(app, make, ctx, world):
    late = contracts.pledge(app, world.need, world.commitment, status="accepted")
    change(ctx, Pledge, late, proposed_on=TODAY - timedelta(days=1))
    with ctx():
        db.session.add(NotificationSetting(user_id=world.supplier_user, kind=EmailKind.ACTION_NEEDED,
                                           frequency=Frequency.OFF))
        db.session.commit()
        reminders.send_reminders()
    assert sent(ctx) == [("reminder_pledge_not_delivered", emails(make, world.supplier_colleague)[0])]
    with ctx():
        message = db.session.scalars(select(OutboxMessage)).one()
        assert message.unsubscribe_url and message.unsubscribe_url in message.body_text


def test_the_unique_key_stops_a_second_reminder_even_if_a_run_missed_the_first(app, make, ctx, world):
    late = contracts.pledge(app, world.need, world.commitment, status="accepted")
    change(ctx, Pledge, late, proposed_on=TODAY - timedelta(days=1))
    tell = reminders.REMINDERS[ReminderStage.PLEDGE_NOT_DELIVERED].tell
    with ctx():
        first = reminders._remind(ReminderStage.PLEDGE_NOT_DELIVERED, late, lambda: tell(db.session.get(Pledge, late)))
    with ctx():
        second = reminders._remind(ReminderStage.PLEDGE_NOT_DELIVERED, late, lambda: tell(db.session.get(Pledge, late)))
    assert (first, second) == (True, False)
    assert len(sent(ctx)) == 2  # the two supplier members, once


def test_the_reminders_command_reports_what_it_sent(app, make, ctx, world, runner):
    make.need(world.vcse, needed_by=TODAY + timedelta(days=2), measure_id=world.measure)
    result = runner.invoke(args=["notifications", "send-reminders"])
    assert result.exit_code == 0 and "Sent 1 reminders" in result.output
    assert "1 need expiring" in result.output


@pytest.fixture
def app_overrides():
    """Room in the pool for every thread's connection."""
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 10, "pool_timeout": 60}}


@pytest.mark.skipif(not IS_POSTGRES, reason="needs PostgreSQL's row locks and parallel connections")
def test_workers_running_reminders_at_once_send_each_only_once(app, make, ctx, world):
    late = [contracts.pledge(app, world.need, world.commitment, status="accepted") for _ in range(5)]
    for pledge_id in late:
        change(ctx, Pledge, pledge_id, proposed_on=TODAY - timedelta(days=1))
    count = 8
    barrier, results = threading.Barrier(count), [None] * count

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[i] = reminders.send_reminders()[ReminderStage.PLEDGE_NOT_DELIVERED]
            except Exception as error:  # collected and asserted below
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == len(late)
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == len(late)
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2 * len(late)


def test_the_worker_runs_reminders_and_digests_every_hour():
    from app.services.notifications import send_digests
    from app.services.schedule import JOBS

    assert JOBS["send_reminders"].run is reminders.send_due_reminders
    assert JOBS["send_digests"].run is send_digests
    assert JOBS["send_reminders"].every == JOBS["send_digests"].every == timedelta(hours=1)
