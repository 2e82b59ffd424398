"""Authentication pages: thin views over the accounts service."""
import hashlib

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import ForgottenPasswordForm, NewPasswordForm, RegisterForm, SignInForm
from app.extensions import limiter
from app.forms.common import apply_service_error, select_choices
from app.models import OrganisationKind
from app.web.guards import safe_next
from app.queries.reference import active_area_choices
from app.services import accounts
from app.errors import DomainError


def _login_limit() -> str:
    """The sign-in rate limit from configuration."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit() -> str:
    """The registration rate limit from configuration."""
    return current_app.config["REGISTER_RATE_LIMIT"]


def _reset_email_limit() -> str:
    """The rate limit on reset emails to any one address, from configuration."""
    return current_app.config["RESET_EMAIL_RATE_LIMIT"]


def _reset_email_key() -> str:
    """The address a reset is asked for, normalised and hashed (the limiter's store never holds it)."""
    email = accounts.normalise_email(request.form.get("email", ""))
    return "reset-email:" + hashlib.sha256(email.encode()).hexdigest()


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def sign_in():
    """Sign in with email and password."""
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("account.index")), 303)
        form.email.errors = ["Enter a correct email address and password"]
        form._errors = None
        return render_template("auth/sign_in.html", form=form), 401
    return render_template("auth/sign_in.html", form=form), 422 if form.errors else 200


@bp.post("/sign-out")
@login_required
def sign_out():
    """Sign out: every session of this user ends, so a copied cookie stops working."""
    accounts.end_all_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"), 303)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    """Register an organisation and its first user."""
    form = RegisterForm()
    form.areas.choices = select_choices(active_area_choices())
    if form.validate_on_submit():
        try:
            user = accounts.register_organisation(
                kind=OrganisationKind(form.kind.data), organisation_name=form.organisation_name.data,
                registered_number=form.registered_number.data, area_ids=form.areas.data,
                name=form.name.data, email=form.email.data, password=form.password.data,
            )
        except DomainError as error:
            apply_service_error(form, error) or flash(error.message, "error")
            return render_template("auth/register.html", form=form), error.status_code
        session.clear()
        login_user(user)
        return redirect(url_for("account.waiting"), 303)
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.get("/verify-email/<token>")
def verify_email(token: str):
    """Follow the link in a verification email."""
    try:
        accounts.verify_email(token)
    except accounts.AlreadyConfirmed as notice:
        flash(notice.message, "success")
        return redirect(url_for("account.index" if current_user.is_authenticated else "auth.sign_in"), 303)
    except DomainError as error:
        return render_template("auth/link_problem.html", message=error.message), 410
    flash("Thank you. Your email address is confirmed.", "success")
    return redirect(url_for("account.index"), 303)


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_reset_email_limit, key_func=_reset_email_key, methods=["POST"])
def forgotten_password():
    """Ask for a password reset link."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgotten_password.html", form=form), 422 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a reset link."""
    if not accounts.reset_token_is_live(token):
        return render_template("auth/link_problem.html",
                               message="This reset link has expired or has already been used. Ask for a new one."), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except DomainError as error:
            apply_service_error(form, error) or flash(error.message, "error")
            return render_template("auth/new_password.html", form=form, heading="Choose a new password"), 422
        logout_user()
        session.clear()
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("auth.sign_in"), 303)
    return render_template("auth/new_password.html", form=form, heading="Choose a new password"), 422 if form.errors else 200


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """Accept an invitation by choosing a password."""
    invitee = accounts.invite_is_live(token)
    if invitee is None:
        return render_template("auth/link_problem.html",
                               message="This invitation has expired or has already been used. Ask your colleague to invite you again."), 410
    form = NewPasswordForm()
    heading = f"Join {invitee.organisation.name}"
    if form.validate_on_submit():
        try:
            user = accounts.accept_invite(token, form.password.data)
        except DomainError as error:
            apply_service_error(form, error) or flash(error.message, "error")
            return render_template("auth/new_password.html", form=form, heading=heading), 422
        session.clear()
        login_user(user)
        flash(f"Welcome. You have joined {user.organisation.name}.", "success")
        return redirect(url_for("account.index"), 303)
    return render_template("auth/new_password.html", form=form, heading=heading), 422 if form.errors else 200
