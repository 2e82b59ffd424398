"""Template globals and filters: navigation by role, money and dates."""
from flask import Flask, current_app, request, url_for
from markupsafe import Markup
from flask_login import current_user

from app.formatting import date_time, long_date, mid_sentence, policy_target, pounds, quantity, whole_pounds, with_unit
from app import permissions
from app.models import Role


NEED_STATUS_COLOURS = {
    "draft": "grey", "pending_review": "yellow", "changes_requested": "orange", "rejected": "red",
    "open": "green", "hidden": "red", "fulfilled": "blue", "closed": "grey", "expired": "grey", "withdrawn": "grey",
}

NEED_NEXT_STEPS = {
    "draft": "Check it, then submit it for review.",
    "pending_review": "A moderator will review it, usually within 2 working days.",
    "changes_requested": "Make the changes the moderator asked for, then submit it again.",
    "rejected": "It will not be published. Post a new need if your circumstances change.",
    "open": "It is published. Suppliers can pledge to it. Close it when you have what you need.",
    "hidden": "A moderator has taken it down. Contact the council if you think this is wrong.",
    "fulfilled": "Confirmed deliveries have met it. Nothing more to do.",
    "closed": "You closed it. Nothing more to do.",
    "expired": "Its needed-by date passed. Post a new need if you still need help.",
    "withdrawn": "You withdrew it. Nothing more to do.",
}


def navigation() -> list[dict]:
    """The service navigation items this user may see, the current one marked."""
    user = current_user
    items = [("Your tasks", "home.index")] if permissions.uses_service(user) else []
    items += [("Needs", "public.needs"), ("Offers", "public.offers")]
    if permissions.is_vcse(user):
        items += [("Your needs", "vcse.needs_list"), ("Pledges to you", "vcse.pledges"),
                  ("Your requests", "vcse.offer_requests")]
    if permissions.is_supplier(user):
        items += [("Your contracts", "supplier.contracts"), ("Your pledges", "supplier.pledges"),
                  ("Your offers", "supplier.offers")]
    if permissions.is_council(user, Role.CONTRACT_MANAGER, Role.MODERATOR):
        items.append(("Contracts", "contracts.index"))
    if permissions.is_council(user, Role.CONTRACT_MANAGER, Role.MODERATOR, Role.ADMIN):
        items.append(("Reports", "reports.overview"))
    if permissions.is_council(user, Role.MODERATOR):
        items.append(("Moderation", "moderation.index"))
    if permissions.is_council(user, Role.ADMIN):
        items.append(("Admin", "admin.index"))
    if permissions.uses_service(user):
        items.append(("Your organisation", "account.team"))
    links = []
    for text, endpoint in items:
        if endpoint not in current_app.view_functions:
            continue
        href = url_for(endpoint)
        active = request.endpoint == endpoint or (
            request.path.startswith(href.rstrip("/") + "/") and not (
                endpoint == "public.needs" and request.path.startswith("/vcse"))
        )
        links.append({"text": text, "href": href, "active": active})
    return links


def account_links() -> list[dict]:
    """Sign-in or sign-out links for the header."""
    if current_user.is_authenticated:
        return [{"text": "Your account", "href": url_for("account.index")}]
    return [{"text": "Register", "href": url_for("auth.register")}, {"text": "Sign in", "href": url_for("auth.sign_in")}]


def banner_heading(message: str) -> Markup:
    """A flash message as a notification banner's heading, the message itself escaped."""
    return Markup('<p class="govuk-notification-banner__heading">{}</p>').format(message)


def form_errors(form, params=None) -> dict:
    """The error summary for a form; a date field's link goes to its Day box, as GOV.UK's pattern says."""
    from govuk_frontend_wtf.main import wtforms_errors

    from app.forms.fields import GovDateField

    summary = wtforms_errors(form, params or {})
    date_ids = {f"#{field.id}" for field in form if isinstance(field, GovDateField)}
    for item in summary["errorList"]:
        if item["href"] in date_ids:
            item["href"] += "-day"
    return summary


def register_template_helpers(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.add_template_global(form_errors, "wtforms_errors")
    app.add_template_global(navigation)
    app.add_template_global(banner_heading)
    app.add_template_global(account_links)
    app.add_template_global(lambda: current_app.config["SERVICE_NAME"], "service_name")
    app.add_template_global(lambda: current_app.config["COUNCIL_NAME"], "council_name")
    app.add_template_global(lambda terms: policy_target(current_app.config["COUNCIL_NAME"], terms),
                            "social_value_policy")
    app.add_template_global(Role, "roles")
    app.add_template_global(permissions.is_council, "is_council")
    app.add_template_global(NEED_STATUS_COLOURS, "status_colours")
    app.add_template_global(NEED_NEXT_STEPS, "next_steps")
    app.add_template_filter(pounds)
    app.add_template_filter(whole_pounds)
    app.add_template_filter(quantity)
    app.add_template_filter(long_date)
    app.add_template_filter(with_unit)
    app.add_template_filter(date_time)
    app.add_template_filter(mid_sentence)
