"""Account pages: thin views over the accounts service."""
from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user

from app.account import bp
from app.account.forms import ChangePasswordForm, InviteForm
from app.extensions import limiter
from app.forms.common import ConfirmForm, apply_service_error
from app.queries.organisations import team_members
from app.services import accounts
from app.errors import DomainError


@bp.get("/")
def index():
    """Your account: who you are, your organisation and what you can do."""
    if not current_user.can_use_service:
        return redirect(url_for(".waiting"))
    return render_template("account/index.html")


@bp.get("/waiting")
def waiting():
    """What a user sees until their email is confirmed and their organisation approved."""
    if current_user.can_use_service:
        return redirect(url_for(".index"))
    return render_template("account/waiting.html", form=ConfirmForm(),
                           verify_hours=current_app.config["VERIFY_TOKEN_HOURS"])


def _resend_limit() -> str:
    """The rate limit on resending the verification link, from configuration."""
    return current_app.config["RESEND_VERIFICATION_RATE_LIMIT"]


def _per_user() -> str:
    """Rate-limit by account (the limiter runs before the sign-in check, so fall back to the client's address)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


@bp.post("/resend-verification")
@limiter.limit(_resend_limit, key_func=_per_user)
def resend_verification():
    """Send the email verification link again."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.resend_verification(current_user._get_current_object())
            flash(f"We have sent a new link to {current_user.email}.", "success")
        except DomainError as error:
            flash(error.message, "info")
    return redirect(url_for(".waiting"), 303)


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """Change your password; every other session ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.password.data)
        except DomainError as error:
            apply_service_error(form, error) or flash(error.message, "error")
            return render_template("account/change_password.html", form=form), 422
        session.clear()
        login_user(user)
        flash("Your password has been changed. You have been signed out everywhere else.", "success")
        return redirect(url_for(".index"), 303)
    return render_template("account/change_password.html", form=form), 422 if form.errors else 200


@bp.get("/team")
def team():
    """Your organisation's members."""
    if not current_user.can_use_service:
        return redirect(url_for(".waiting"))
    return render_template("account/team.html", members=team_members(current_user.organisation_id), form=ConfirmForm())


@bp.route("/team/invite", methods=["GET", "POST"])
def invite():
    """Invite a colleague by email."""
    if not current_user.can_use_service:
        return redirect(url_for(".waiting"))
    if not current_user.can_manage_team():
        abort(403)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            accounts.invite_colleague(current_user._get_current_object(), name=form.name.data, email=form.email.data)
        except DomainError as error:
            apply_service_error(form, error) or flash(error.message, "error")
            return render_template("account/invite.html", form=form), error.status_code
        flash(f"Invitation sent to {form.email.data}.", "success")
        return redirect(url_for(".team"), 303)
    return render_template("account/invite.html", form=form), 422 if form.errors else 200


@bp.post("/team/<int:user_id>/remove")
def remove(user_id: int):
    """Remove a colleague from your organisation."""
    if not current_user.can_use_service:
        return redirect(url_for(".waiting"))
    if not current_user.can_manage_team():
        abort(403)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        removed = accounts.remove_colleague(current_user._get_current_object(), user_id)
    except DomainError as error:
        if error.status_code == 404:
            abort(404)
        flash(error.message, "error")
        return redirect(url_for(".team"), 303)
    flash(f"{removed.name} has been removed from your organisation.", "success")
    return redirect(url_for(".team"), 303)
