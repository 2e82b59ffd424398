"""Email settings and one-click unsubscribing, in a real browser with axe at 1280 and 320 pixels."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import EmailKind, Frequency, NotificationSetting, User
from app.services.email_preferences import unsubscribe_token
from tests.browser.conftest import DESKTOP, NARROW

widths = pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280px", "320px"])


@widths
def test_a_supplier_chooses_how_often_to_get_each_kind_of_email(site, make, app):
    supplier = make.get(User, make.user(kind="supplier"))
    site.sign_in(supplier.email)
    site.visit("/account/")
    site.follow(site.page.get_by_role("link", name="Choose which emails you get and how often"))
    suggestions = site.page.get_by_role("group", name="New suggestions for your commitments")
    assert suggestions.get_by_label("In a weekly summary").is_checked()
    suggestions.get_by_label("Never").check()
    site.follow(site.page.get_by_role("button", name="Save email settings"))
    assert site.page.get_by_text("Your email settings have been saved.").is_visible()
    assert site.page.get_by_role("group", name="New suggestions for your commitments").get_by_label("Never").is_checked()
    with app.app_context():
        assert db.session.scalars(select(NotificationSetting.frequency).where(
            NotificationSetting.kind == EmailKind.SUGGESTIONS)).one() is Frequency.OFF
        db.session.remove()
    site.finish(at_least=4)


@widths
def test_an_unsubscribe_link_works_once_without_signing_in(site, make, app):
    supplier = make.user(kind="supplier")
    with app.app_context():
        token = unsubscribe_token(supplier, EmailKind.NEW_LISTINGS)
    site.visit(f"/unsubscribe/{token}")
    site.follow(site.page.get_by_role("button", name="Unsubscribe"))
    assert site.page.get_by_role("heading", name="You have unsubscribed").is_visible()
    site.visit(f"/unsubscribe/{token}", status=410)
    assert site.page.get_by_text("already been used").is_visible()
    site.finish(at_least=3)
