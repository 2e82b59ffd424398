"""Forms for a user's own account and their team."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from app.forms.common import email_field, new_password_field, single_line


class ChangePasswordForm(FlaskForm):
    """The current password, then a new one."""

    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[InputRequired("Enter your current password")])
    password = new_password_field("New password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class InviteForm(FlaskForm):
    """A colleague's name and email."""

    name = StringField("Full name", widget=GovTextInput(), filters=[single_line], validators=[
        InputRequired("Enter your colleague's full name"), Length(max=120, message="Name must be 120 characters or fewer")])
    email = email_field()
    submit = SubmitField("Send invitation", widget=GovSubmitInput())
