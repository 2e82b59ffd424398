"""Your account: who you are, the waiting page until you may use the service, and changing your password."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.account import bp
from app.account.forms import ChangePasswordForm
from app.auth.sessions import start_session
from app.errors import DomainError
from app.extensions import limiter
from app.forms.common import ConfirmForm
from app.services import accounts
from app.web.answers import carry_out
from app.web.guards import signed_in_user


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
    if ConfirmForm().validate_on_submit():
        try:
            accounts.resend_verification(signed_in_user())
            flash(f"We have sent a new link to {current_user.email}.", "success")
        except DomainError as error:
            flash(error.message, "info")
    return redirect(url_for(".waiting"), 303)


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """Change your password; every other session ends."""
    form, user = ChangePasswordForm(), signed_in_user()
    return carry_out(lambda: accounts.change_password(user, form.current_password.data, form.password.data),
                     form=form, page=lambda f: render_template("account/change_password.html", form=f),
                     done="Your password has been changed. You have been signed out everywhere else.",
                     then=lambda _: start_session(user, url_for(".index")))
