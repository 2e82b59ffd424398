"""Form pieces shared by several blueprints."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import PasswordField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length

from app.formatting import one_line


def optional_int(value) -> int | None:
    """Coerce a select's value to an int, with the empty placeholder as None."""
    if value in ("", None):
        return None
    return int(value)


def select_choices(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def single_line(value):
    """A filter for one-line answers (names): line breaks and control characters become single spaces."""
    return one_line(value) if isinstance(value, str) else value


def email_field(label: str = "Email address") -> StringField:
    """An email field with the GOV.UK pattern's messages."""
    return StringField(label, widget=GovTextInput(), filters=[lambda value: value.strip() if value else value], validators=[
        InputRequired("Enter your email address"),
        Length(max=254, message="Email address must be 254 characters or fewer"),
        Email("Enter an email address in the correct format, like name@example.com", check_deliverability=False),
    ])


def new_password_field(label: str = "Create a password") -> PasswordField:
    """A new password: strength is checked by the service so the rule lives in one place."""
    return PasswordField(label, widget=GovPasswordInput(), description="Use 12 characters or more. A few unrelated words together works well.",
                         validators=[InputRequired("Enter a password")])


class ConfirmForm(FlaskForm):
    """A form with just a button: the CSRF token is the point."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReasonForm(FlaskForm):
    """A decision that must give a reason."""

    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[
        InputRequired("Enter a reason"), Length(max=2000, message="Reason must be 2,000 characters or fewer")])
    submit = SubmitField("Continue", widget=GovSubmitInput())
