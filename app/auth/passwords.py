"""Forgotten passwords: asking for a reset link and choosing a new password with it."""
from flask import render_template, session, url_for
from flask_login import logout_user

from app.auth import bp
from app.auth.forms import ForgottenPasswordForm, NewPasswordForm
from app.auth.limits import login_limit, reset_email_key, reset_email_limit
from app.extensions import limiter
from app.services import accounts
from app.web.answers import carry_out

RESET_GONE = "This reset link has expired or has already been used. Ask for a new one."


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(reset_email_limit, key_func=reset_email_key, methods=["POST"])
def forgotten_password():
    """Ask for a password reset link."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgotten_password.html", form=form), 422 if form.errors else 200


def _signed_out(then: str) -> str:
    """End this browser's session after a reset (every other session has ended already)."""
    logout_user()
    session.clear()
    return then


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a reset link."""
    if not accounts.reset_token_is_live(token):
        return render_template("auth/link_problem.html", message=RESET_GONE), 410
    form = NewPasswordForm()
    return carry_out(lambda: accounts.reset_password(token, form.password.data), form=form,
                     page=lambda f: render_template("auth/new_password.html", form=f, heading="Choose a new password"),
                     done="Your password has been changed. Sign in with your new password.",
                     then=lambda _: _signed_out(url_for("auth.sign_in")))
