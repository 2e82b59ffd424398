"""Your organisation's team: its members, inviting a colleague and removing one."""
from functools import wraps

from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from app.account import bp
from app.account.forms import InviteForm
from app.forms.common import ConfirmForm
from app.queries.organisations import team_members
from app.services import accounts
from app.web.answers import carry_out
from app.web.guards import signed_in_user


def _team_page(manage: bool = False):
    """For approved users only (others wait), and for changes, only their organisation's administrator (403)."""
    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.can_use_service:
                return redirect(url_for(".waiting"))
            if manage and not current_user.can_manage_team():
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorator


@bp.get("/team")
@_team_page()
def team():
    """Your organisation's members."""
    return render_template("account/team.html", members=team_members(current_user.organisation_id), form=ConfirmForm())


@bp.route("/team/invite", methods=["GET", "POST"])
@_team_page(manage=True)
def invite():
    """Invite a colleague by email."""
    form = InviteForm()
    return carry_out(lambda: accounts.invite_colleague(signed_in_user(), name=form.name.data, email=form.email.data),
                     form=form, page=lambda f: render_template("account/invite.html", form=f),
                     done=lambda _: f"Invitation sent to {form.email.data}.", then=url_for(".team"))


@bp.post("/team/<int:user_id>/remove")
@_team_page(manage=True)
def remove(user_id: int):
    """Remove a colleague from your organisation."""
    return carry_out(lambda: accounts.remove_colleague(signed_in_user(), user_id), then=url_for(".team"),
                     done=lambda removed: f"{removed.name} has been removed from your organisation.")
