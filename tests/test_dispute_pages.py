"""Moderators resolve disputed deliveries by confirming a quantity or cancelling the pledge."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LedgerEntry, Pledge, PledgeStatus, ProxyValue, User
from tests import factories_ledger as fl
from tests.conftest import post_form

TODAY = date.today()


@pytest.fixture
def world(app, make):
    """A council, a supplier's contract and commitment, and a VCSE's open need."""
    return fl.ledger_world(app, make)


@pytest.fixture
def disputed(app, ctx, world):
    """A delivery of 10 hours, five days ago, disputed by the VCSE; a new proxy value took effect after it."""
    pledge_id = fl.disputed_pledge(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "10",
                                   delivered_on=TODAY - timedelta(days=5), reason="Only six volunteers turned up.")
    with ctx():
        db.session.add(ProxyValue(measure_id=world.measure, pence_per_unit=1500, effective_from=TODAY - timedelta(days=2)))
        db.session.commit()
    return pledge_id


def _html(response) -> str:
    """The page's text with whitespace squashed."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _entries(ctx) -> list[LedgerEntry]:
    """Every ledger entry, read fresh."""
    with ctx():
        rows = list(db.session.scalars(select(LedgerEntry)))
        db.session.expunge_all()
        return rows


def _emails(ctx, user_id: int) -> str:
    """A user's email address."""
    with ctx():
        return db.session.get(User, user_id).email


def test_moderator_sees_disputes_oldest_first_and_the_count_on_the_overview(app, client, login, world, disputed):
    later = fl.disputed_pledge(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "2")
    login(world.moderator)
    assert "Disputed deliveries (2)" in _html(client.get("/moderation/"))
    listing = _html(client.get("/moderation/disputes"))
    assert "2 waiting for a moderator" in listing
    assert listing.index(f"/moderation/disputes/{disputed}\"") < listing.index(f"/moderation/disputes/{later}\"")


def test_dispute_page_shows_both_sides(client, login, world, disputed):
    login(world.moderator)
    page = _html(client.get(f"/moderation/disputes/{disputed}"))
    assert "10 hours" in page and "Painted the community hall" in page and "Only six volunteers turned up." in page
    assert 'name="confirm-quantity"' in page and 'name="confirm-note"' in page and 'name="cancel-note"' in page


def test_dispute_page_keeps_the_capitals_of_acronyms_in_the_measure_name(client, login, ctx, world, disputed):
    from app.models import Measure

    with ctx():
        db.session.get(Measure, world.measure).name = \
            "Pro bono expert advice for VCSEs and small firms (legal, finance, bid writing, IT)"
        db.session.commit()
    login(world.moderator)
    page = _html(client.get(f"/moderation/disputes/{disputed}"))
    assert "10 hours of pro bono expert advice for VCSEs and small firms (legal, finance, bid writing, IT)" in page


def test_resolving_by_confirming_writes_one_entry_at_the_delivery_date_proxy_and_emails_both_sides(
        client, login, ctx, outbox, world, disputed):
    login(world.moderator)
    page = f"/moderation/disputes/{disputed}"
    before = len(outbox())
    response = post_form(client, f"{page}/confirm", {"confirm-quantity": "6", "confirm-note": "Six came; counted six."},
                         page=page)
    assert response.status_code == 303 and response.headers["Location"].endswith("/moderation/disputes")
    entries = _entries(ctx)
    assert len(entries) == 1
    entry = entries[0]
    # The proxy in force on the delivery date (£12.21), not the one that took effect after it.
    assert (entry.quantity, entry.pence_per_unit, entry.value_pence) == (Decimal("6"), 1221, 7326)
    assert (entry.pledge_id, entry.confirmed_by_id, entry.delivered_on) == (disputed, world.moderator,
                                                                            TODAY - timedelta(days=5))
    with ctx():
        assert db.session.get(Pledge, disputed).status is PledgeStatus.CONFIRMED
    sent = outbox()[before:]
    recipients = {to for to, subject, _ in sent if "A moderator resolved the dispute" in subject}
    assert recipients == {_emails(ctx, world.vcse_user), _emails(ctx, world.supplier_user)}
    assert all("Six came; counted six." in body for _, _, body in sent)
    again = post_form(client, f"{page}/confirm", {"confirm-quantity": "6", "confirm-note": "Again"}, page=page)
    assert again.status_code in (303, 422)
    assert len(_entries(ctx)) == 1


@pytest.mark.parametrize("fields, message", [
    ({"confirm-quantity": "11", "confirm-note": "Too many"}, "The supplier says it delivered 10. Enter no more than that"),
    ({"confirm-quantity": "6", "confirm-note": ""}, "Enter how the dispute was resolved"),
    ({"confirm-quantity": "six", "confirm-note": "Six"}, "Quantity must be a number"),
])
def test_bad_confirmation_gets_a_field_error_and_writes_nothing(client, login, ctx, world, disputed, fields, message):
    login(world.moderator)
    page = f"/moderation/disputes/{disputed}"
    response = post_form(client, f"{page}/confirm", fields, page=page)
    assert response.status_code == 422
    assert message in _html(response)
    assert _entries(ctx) == []
    with ctx():
        assert db.session.get(Pledge, disputed).status is PledgeStatus.DISPUTED


def test_resolving_by_cancelling_writes_no_entry_and_emails_both_sides(client, login, ctx, outbox, world, disputed):
    login(world.moderator)
    page = f"/moderation/disputes/{disputed}"
    assert post_form(client, f"{page}/cancel", {"cancel-note": ""}, page=page).status_code == 422
    before = len(outbox())
    response = post_form(client, f"{page}/cancel", {"cancel-note": "No evidence the work happened."}, page=page)
    assert response.status_code == 303
    assert _entries(ctx) == []
    with ctx():
        pledge = db.session.get(Pledge, disputed)
        assert (pledge.status, pledge.reason) == (PledgeStatus.CANCELLED, "No evidence the work happened.")
    recipients = {to for to, subject, _ in outbox()[before:] if "cancelled the disputed pledge" in subject}
    assert recipients == {_emails(ctx, world.vcse_user), _emails(ctx, world.supplier_user)}
    assert "nothing to resolve" in _html(client.get(page))
    assert "Disputed deliveries (0)" in _html(client.get("/moderation/"))


@pytest.mark.parametrize("who", ["manager", "vcse_user", "supplier_user"])
def test_only_moderators_may_see_or_resolve_disputes(client, login, ctx, world, disputed, who):
    moderator_page = f"/moderation/disputes/{disputed}"
    login(getattr(world, who))
    assert client.get("/moderation/disputes").status_code == 403
    assert client.get(moderator_page).status_code == 403
    for action, fields in (("confirm", {"confirm-quantity": "10", "confirm-note": "x"}), ("cancel", {"cancel-note": "x"})):
        assert post_form(client, f"{moderator_page}/{action}", fields, page="/account/").status_code == 403
    assert _entries(ctx) == []


def test_moderator_of_another_council_gets_404(client, login, ctx, make, world, disputed):
    login(make.council_user("moderator"))
    page = f"/moderation/disputes/{disputed}"
    assert disputed and "There are no disputed deliveries." in _html(client.get("/moderation/disputes"))
    assert client.get(page).status_code == 404
    assert post_form(client, f"{page}/confirm", {"confirm-quantity": "10", "confirm-note": "x"},
                     page="/moderation/").status_code == 404
    assert _entries(ctx) == []
    with ctx():
        assert db.session.scalar(select(func.count()).select_from(Pledge).where(
            Pledge.status == PledgeStatus.DISPUTED)) == 1


def test_disputes_list_query_count_does_not_grow(app, client, login, count_queries, world, disputed):
    login(world.moderator)

    def count() -> int:
        with count_queries() as counter:
            assert client.get("/moderation/disputes").status_code == 200
        return counter["n"]

    few = count()
    for _ in range(5):
        fl.disputed_pledge(app, world.need, world.commitment, world.supplier_user, world.vcse_user, "1")
    assert count() == few
