"""Admin pages for council users: their roles, and inviting new staff."""
from flask import current_app, render_template, request, url_for

from app.admin import bp
from app.admin.forms import ROLE_HINTS, InviteCouncilUserForm, RolesForm
from app.queries import admin as queries
from app.services import reference
from app.web.answers import carry_out, found
from app.web.guards import signed_in_user
from app.web.request import page_arg


@bp.get("/users")
def users():
    """Council users and their roles, searchable by name or email."""
    search = request.args.get("q", "").strip()[:100]
    pagination = queries.council_users(page_arg(), current_app.config["PAGE_SIZE"], search)
    return render_template("admin/users.html", pagination=pagination, search=search)


@bp.route("/users/<int:user_id>/roles", methods=["GET", "POST"])
def edit_roles(user_id: int):
    """Choose which council roles a user holds."""
    user = found(queries.council_user(user_id))
    form = RolesForm(data={"roles": [r.value for r in user.roles]})
    return carry_out(lambda: reference.set_user_roles(signed_in_user(), user_id, form.roles.data), form=form,
                     done=f"{user.name}'s roles have been saved.", then=url_for(".users"),
                     page=lambda f: render_template("admin/user_roles.html", form=f, user=user, role_hints=ROLE_HINTS))


@bp.route("/users/invite", methods=["GET", "POST"])
def invite_user():
    """Invite someone into the council with chosen roles."""
    form = InviteCouncilUserForm()
    return carry_out(
        lambda: reference.invite_council_user(signed_in_user(), form.name.data, form.email.data, form.roles.data),
        form=form, done=lambda _: f"Invitation sent to {form.email.data.strip()}.", then=url_for(".users"),
        page=lambda f: render_template("admin/invite.html", form=f, role_hints=ROLE_HINTS))
