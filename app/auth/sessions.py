"""Signing in and out."""
from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import SignInForm
from app.auth.limits import login_limit
from app.extensions import limiter
from app.services import accounts
from app.web.guards import safe_next


def start_session(user, then: str) -> str:
    """Sign a user in on a fresh session (so no earlier session id survives) and say where to go next."""
    session.clear()
    login_user(user)
    return then


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def sign_in():
    """Sign in with email and password."""
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("auth/sign_in.html", form=form), 422 if form.errors else 200
    user = accounts.authenticate(form.email.data, form.password.data)
    if user is None:
        form.email.errors = ["Enter a correct email address and password"]
        form._errors = None
        return render_template("auth/sign_in.html", form=form), 401
    session.clear()
    login_user(user, remember=form.remember.data)
    return redirect(safe_next(request.args.get("next"), url_for("home.index")), 303)


@bp.post("/sign-out")
@login_required
def sign_out():
    """Sign out: every session of this user ends, so a copied cookie stops working."""
    accounts.end_all_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"), 303)
