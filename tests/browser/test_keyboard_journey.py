"""The core journey with the keyboard alone, checking at every focus stop that focus can be seen.

A VCSE member posts a need and submits it; a moderator approves it; a supplier pledges to it; the group
accepts; the supplier marks it delivered; the group confirms. Each person signs in and out by keyboard too.
`Keyboard` (keyboard.py) fails at any focus stop without a visible focus indicator (WCAG 2.4.7) or hidden
under other content (2.4.11); `Site` runs axe and the page checks on every page, at 1280px and at 320px.
"""
from datetime import date, timedelta

from app.models import Measure, User
from tests.browser.keyboard import Keyboard
from tests.loop_world import build_loop_world

TITLE = "Volunteers to clear the riverside path"
NEEDED_BY = date.today() + timedelta(days=45)
PROVIDE_ON = date.today() + timedelta(days=10)


def test_a_need_goes_from_posting_to_confirmed_delivery_by_keyboard_alone(site, app, make):
    world = build_loop_world(app, make)
    vcse, moderator, supplier = (make.get(User, i).email for i in (world.vcse_user, world.moderator,
                                                                     world.supplier_user))
    measure = make.get(Measure, world.measure)
    page, keys = site.page, Keyboard(site)
    menu = page.get_by_role("navigation", name="Main menu")
    main = page.get_by_role("main")
    site.visit("/")

    # The group posts the need and submits it for review.
    keys.sign_in(vcse)
    keys.activate(menu.get_by_role("link", name="Your needs"))
    keys.activate(main.get_by_role("button", name="Post a new need"))
    keys.type(page.get_by_label("Title", exact=True), TITLE)
    keys.type(page.get_by_label("Short summary"), "Two mornings of clearing brambles from the towpath.")
    keys.type(page.get_by_label("Description", exact=True), "The path floods every winter.\n\nWe need hands.")
    keys.choose(page.get_by_role("group", name="What kind of help do you need?").get_by_label("Volunteers"))
    keys.select(page.get_by_label("How should it be counted?"), measure.name)
    keys.type(page.get_by_label("How much do you need?"), "16")
    keys.select(page.get_by_label("Area", exact=True), "Area")
    keys.choose(page.get_by_role("group", name="Priority themes").get_by_role("checkbox").first)
    keys.date(page.get_by_role("group", name="Needed by"), NEEDED_BY)
    keys.type(page.get_by_label("How should a supplier get in touch?"), "Ask for Robin on 01234 567890")
    keys.activate(page.get_by_role("button", name="Save and submit for review"))
    assert page.get_by_text("Your need has been sent to a moderator for review.").is_visible()
    keys.sign_out()

    # A moderator approves it.
    keys.sign_in(moderator)
    keys.activate(menu.get_by_role("link", name="Moderation"))
    keys.activate(main.get_by_role("link", name="Needs waiting for review (1)"))
    keys.activate(main.get_by_role("link", name=TITLE))
    keys.activate(main.get_by_role("button", name="Approve and publish"))
    assert page.get_by_text("The need is published. Its organisation has been emailed.").is_visible()
    keys.sign_out()

    # A supplier finds it and pledges 6 hours.
    keys.sign_in(supplier)
    keys.activate(menu.get_by_role("link", name="Needs"))
    keys.activate(main.get_by_role("link", name=TITLE))
    keys.activate(main.get_by_role("button", name="Pledge to meet this need"))
    keys.choose(page.get_by_role("group", name="Which commitment is this pledge part of?").get_by_role("radio").first)
    keys.type(page.get_by_label("How much are you pledging?"), "6")
    keys.type(page.get_by_label("Message to the group"), "Three of us can come on two Saturdays.")
    keys.date(page.get_by_role("group", name="When can you provide it?"), PROVIDE_ON)
    keys.activate(page.get_by_role("button", name="Send pledge"))
    assert page.get_by_text("Your pledge has been sent to").is_visible()
    keys.sign_out()

    # The group accepts it.
    keys.sign_in(vcse)
    keys.activate(menu.get_by_role("link", name="Pledges to you"))
    keys.activate(main.get_by_role("link", name=TITLE))
    keys.activate(main.get_by_role("button", name="Accept pledge"))
    assert page.get_by_text("You have accepted the pledge. The supplier has been emailed.").is_visible()
    keys.sign_out()

    # The supplier marks it delivered.
    keys.sign_in(supplier)
    keys.activate(menu.get_by_role("link", name="Your pledges"))
    keys.activate(main.get_by_role("link", name=TITLE))
    keys.activate(main.get_by_role("button", name="Mark as delivered"))
    assert page.get_by_label("How much did you deliver?").input_value() == "6"
    keys.date(page.get_by_role("group", name="When was it delivered?"), date.today())
    keys.type(page.get_by_label("What was done?"), "Cleared 400 metres of towpath.")
    keys.activate(main.get_by_role("button", name="Mark as delivered"))
    assert page.get_by_text("Marked as delivered.").is_visible()
    keys.sign_out()

    # The group confirms what it received.
    keys.sign_in(vcse)
    keys.activate(menu.get_by_role("link", name="Pledges to you"))
    keys.activate(main.get_by_role("link", name=TITLE))
    assert page.get_by_label("How much did you receive?").input_value() == "6"
    keys.type(page.get_by_label("What difference did it make? (optional)"), "The path is open again.")
    keys.activate(main.get_by_role("button", name="Confirm delivery"))
    assert page.get_by_text("Delivery confirmed and counted.").is_visible()

    assert keys.stops > 100, f"only {keys.stops} focus stops were checked"
    site.finish(at_least=30)
