"""The admin outbox page passes axe at 1280 and 320 px, with long addresses and errors, and a failed email is
sent again from it."""
import pytest

from app.extensions import db
from app.models import OutboxMessage, OutboxStatus, User
from tests.browser.conftest import DESKTOP, NARROW


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280px", "320px"])
def test_the_outbox_page_is_accessible_and_sends_a_failed_email_again(site, make):
    council = make.organisation(kind="buyer", name="Wyvern County Council")
    admin = make.get(User, make.user(council, roles=["admin"], email="admin@wyvern.example.gov.uk"))
    long_address = "the-volunteering-coordinator-for-the-whole-county@a-very-long-charity-name.example.org"
    with make.app.app_context():
        db.session.add_all([
            OutboxMessage(to_email=long_address, subject="A need you follow has a new pledge", template="password_changed",
                          body_text="Hello", body_html="<p>Hello</p>", status=OutboxStatus.FAILED, attempts=8,
                          last_error="SMTPRecipientsRefused: {'" + long_address + "': (550, b'5.1.1 Mailbox unavailable')}"),
            OutboxMessage(to_email="pat@example.org", subject="Your password was changed", template="password_changed",
                          body_text="Hello", body_html="<p>Hello</p>"),
        ])
        db.session.commit()
        db.session.remove()

    site.sign_in(admin.email)
    site.visit("/admin/")
    site.follow(site.page.get_by_role("link", name="Outbox: emails queued, sent and failed"))
    assert site.page.get_by_text("Mailbox unavailable").is_visible()
    site.follow(site.page.get_by_role("button", name=f"Send again to {long_address}"))
    assert site.page.get_by_text(f"The email to {long_address} is queued to be sent again.").is_visible()
    site.follow(site.page.get_by_role("link", name="Queued (2)"))
    assert site.page.get_by_text("pat@example.org").is_visible()
    site.finish(at_least=4)
