"""Forms for a user's own account and their team."""
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField
from wtforms.validators import InputRequired

from app.forms.common import AppForm, name_field, email_field, new_password_field


class ChangePasswordForm(AppForm):
    """The current password, then a new one."""

    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[InputRequired("Enter your current password")])
    password = new_password_field("New password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class InviteForm(AppForm):
    """A colleague's name and email."""

    name = name_field("Enter your colleague's full name")
    email = email_field()
    submit = SubmitField("Send invitation", widget=GovSubmitInput())
