"""Registering an organisation, confirming an email address and accepting an invitation."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth import bp
from app.auth.forms import NewPasswordForm, RegisterForm
from app.auth.limits import register_limit
from app.auth.sessions import start_session
from app.errors import DomainError
from app.extensions import limiter
from app.forms.common import select_choices
from app.models import OrganisationKind
from app.queries.reference import active_area_choices
from app.services import accounts
from app.web.answers import carry_out

INVITE_GONE = "This invitation has expired or has already been used. Ask your colleague to invite you again."


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(register_limit, methods=["POST"])
def register():
    """Register an organisation and its first user."""
    form = RegisterForm()
    form.areas.choices = select_choices(active_area_choices())
    return carry_out(lambda: accounts.register_organisation(
        kind=OrganisationKind(form.kind.data), organisation_name=form.organisation_name.data,
        identifier_scheme=form.identifier_scheme.data, registered_number=form.registered_number.data, area_ids=form.areas.data, name=form.name.data,
        email=form.email.data, password=form.password.data),
        form=form, page=lambda f: render_template("auth/register.html", form=f),
        done=None,
        then=lambda user: start_session(user, url_for("account.waiting")))


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


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """Accept an invitation by choosing a password."""
    invitee = accounts.invite_is_live(token)
    if invitee is None:
        return render_template("auth/link_problem.html", message=INVITE_GONE), 410
    form, heading = NewPasswordForm(), f"Join {invitee.organisation.name}"
    return carry_out(lambda: accounts.accept_invite(token, form.password.data), form=form,
                     page=lambda f: render_template("auth/new_password.html", form=f, heading=heading),
                     done=lambda user: f"Welcome. You have joined {user.organisation.name}.",
                     then=lambda user: start_session(user, url_for("account.index")))
