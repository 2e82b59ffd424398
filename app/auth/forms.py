"""Forms for signing in, registering and setting passwords."""
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovCheckboxInput, GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput,
)
from wtforms import BooleanField, PasswordField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from app.forms.common import AppForm, email_field, new_password_field, select_choices, single_line
from app.models.identifiers import IdentifierScheme


class SignInForm(AppForm):
    """Email and password."""

    email = email_field()
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")])
    remember = BooleanField("Keep me signed in on this device for 14 days", widget=GovCheckboxInput())
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class RegisterForm(AppForm):
    """An organisation and its first user."""

    kind = RadioField("What kind of organisation is it?", widget=GovRadioInput(), choices=select_choices([
        ("vcse", "A charity, community group or social enterprise (VCSE)"),
        ("supplier", "A supplier with a council contract"),
    ]), validators=[InputRequired("Select what kind of organisation it is")])
    organisation_name = StringField("Organisation name", widget=GovTextInput(), filters=[single_line], validators=[
        InputRequired("Enter your organisation's name"),
        Length(max=200, message="Organisation name must be 200 characters or fewer")])
    identifier_scheme = SelectField(
        "Which register is it on? (optional)", widget=GovSelect(), validate_choice=False,
        description="Other systems find organisations by their number on one of these registers.",
        choices=select_choices([("", "Not on a register")] + [(scheme.value, scheme.label)
                                                              for scheme in IdentifierScheme]))
    registered_number = StringField(
        "Its number on that register (optional)", widget=GovTextInput(), filters=[single_line],
        description="For example, 1234567 for a charity in England or Wales, SC012345 in Scotland, or 01234567 "
                    "for a company.",
        validators=[Optional(), Length(max=20, message="The number must be 20 characters or fewer")])
    areas = SelectMultipleField("Which areas does it serve?", widget=GovCheckboxesInput(), coerce=int,
                                description="Select all that apply.",
                                validators=[InputRequired("Select at least one area your organisation serves")])
    name = StringField("Your full name", widget=GovTextInput(), filters=[single_line], validators=[
        InputRequired("Enter your full name"), Length(max=120, message="Your name must be 120 characters or fewer")])
    email = email_field("Your email address")
    password = new_password_field()
    submit = SubmitField("Register", widget=GovSubmitInput())


class ForgottenPasswordForm(AppForm):
    """Ask for a reset link."""

    email = email_field()
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class NewPasswordForm(AppForm):
    """Set a password from an emailed link."""

    password = new_password_field("New password")
    submit = SubmitField("Save password", widget=GovSubmitInput())
