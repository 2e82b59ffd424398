"""Form pieces shared by several blueprints."""
from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovPasswordInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput,
)
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

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


class AppForm(FlaskForm):
    """The base of every form: it reads a submission the way a browser's form sends one."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            """The submitted fields: text, plus files under the form's own file fields only, and no JSON body.

            Flask-WTF would pass an upload sent under any name to that field, and a JSON body of any shape (a list,
            a number, nested objects) as the fields: text fields expect text, and either was a 500.
            """
            if formdata is not _Auto or not form.is_submitted():
                return super().wrap_formdata(form, formdata)
            file_fields = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict([(name, upload) for name, upload in request.files.items(multi=True) if name in file_fields])
            return CombinedMultiDict((files, request.form)) if files else request.form or None


class ConfirmForm(AppForm):
    """A form with just a button: the CSRF token is the point."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


def text_answer(label: str, *, hint: str = "", required: str = "", noun: str = "This", limit: int = 2000,
                blank_is_missing: bool = False) -> TextAreaField:
    """A text area with GOV.UK messages: required when `required` says what to enter, at most `limit` characters.

    With `blank_is_missing`, an answer of spaces alone counts as nothing entered.
    """
    validators = [(DataRequired if blank_is_missing else InputRequired)(required)] if required else []
    validators.append(Length(max=limit, message=f"{noun} must be {limit:,} characters or fewer"))
    return TextAreaField(label, widget=GovTextArea(), description=hint, validators=validators)


def short_answer(label: str, *, noun: str, limit: int, required: str = "", hint: str = "",
                 one_line: bool = False) -> StringField:
    """A one-line text box with GOV.UK messages: required when `required` says what to enter, at most `limit` characters.

    With `one_line`, line breaks become spaces and spaces alone count as nothing entered.
    """
    validators = [(DataRequired if one_line else InputRequired)(required)] if required else []
    validators.append(Length(max=limit, message=f"{noun} must be {limit:,} characters or fewer"))
    return StringField(label, widget=GovTextInput(), description=hint, validators=validators,
                       filters=[single_line] if one_line else [])


def choose_one(label: str, *, required: str, invalid: str, hint: str = "") -> SelectField:
    """A drop-down of ids, its placeholder read as None, with a message for nothing chosen and one for a forged id."""
    return SelectField(label, widget=GovSelect(), coerce=optional_int, description=hint, invalid_value_message=invalid,
                       invalid_choice_message=invalid, validators=[InputRequired(required)])


def choose_many(label: str, *, required: str = "", invalid: str = "Select from the list") -> SelectMultipleField:
    """Checkboxes of ids; required when `required` says what to select."""
    return SelectMultipleField(label, widget=GovCheckboxesInput(), coerce=int, description="Select all that apply.",
                               invalid_value_message=invalid, invalid_choice_message=invalid,
                               validators=[InputRequired(required)] if required else [Optional()])


def name_field(required: str) -> StringField:
    """A person's full name, on one line."""
    return StringField("Full name", widget=GovTextInput(), filters=[single_line], validators=[
        InputRequired(required), Length(max=120, message="Name must be 120 characters or fewer")])


def one_answer_form(name: str, doc: str, label: str, *, button: str, field: str = "reason", **answer) -> type:
    """A form of one text answer and a button, such as a reason for declining or a note for the audit trail."""
    return type(name, (AppForm,), {"__doc__": doc, field: text_answer(label, **answer),
                                     "submit": SubmitField(button, widget=GovSubmitInput())})
