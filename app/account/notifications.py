"""Your email settings: how often you get each kind of email."""
from flask import render_template, url_for

from app.account import bp
from app.account.forms import NotificationSettingsForm
from app.models import kinds_for
from app.queries.notifications import settings_for
from app.services import notifications
from app.web.answers import carry_out
from app.web.guards import signed_in_user


@bp.route("/notifications", methods=["GET", "POST"])
def notifications_settings():
    """Choose how often you get each kind of email you can get."""
    user = signed_in_user()
    kinds, current = kinds_for(user), settings_for(user.id)
    form = NotificationSettingsForm(data={kind.value: current[kind].value for kind in kinds}).keep_only(kinds)
    return carry_out(lambda: notifications.save_settings(user, form.choices()), form=form,
                     page=lambda f: render_template("account/notifications.html", form=f, kinds=kinds),
                     done="Your email settings have been saved.", then=url_for(".notifications_settings"))
