"""Admin forms: roles, invitations, areas, themes, measures, proxy values and the CSV import."""
from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovCheckboxInput, GovFileInput, GovSubmitInput, GovTextArea, GovTextInput,
)
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp

from app.forms.common import name_field, email_field, select_choices
from app.forms.fields import GovDateField, PoundsField
from app.models import NeedCategory, Role

ROLE_HINTS = {
    Role.MODERATOR: "Approves organisations and needs, resolves disputes and hides abusive content.",
    Role.CONTRACT_MANAGER: "Creates contracts and commitments and follows their delivery.",
    Role.ADMIN: "Manages users' roles, areas, themes, measures and proxy values.",
}


def role_checkboxes(label: str, validators=()) -> SelectMultipleField:
    """Checkboxes for the council roles."""
    return SelectMultipleField(label, widget=GovCheckboxesInput(), validators=list(validators),
                               choices=select_choices(Role.choices()), description="Select all that apply.")


def category_checkboxes() -> SelectMultipleField:
    """Checkboxes for the kinds of help a measure counts."""
    return SelectMultipleField("Which kinds of help does it count?", widget=GovCheckboxesInput(),
                               choices=select_choices(NeedCategory.choices()), description="Select all that apply.",
                               validators=[InputRequired("Select at least one kind of help this measure counts")])


class RolesForm(FlaskForm):
    """The council roles a user holds."""

    roles = role_checkboxes("Council roles")
    submit = SubmitField("Save roles", widget=GovSubmitInput())


class InviteCouncilUserForm(FlaskForm):
    """Someone to invite into the council, and their roles."""

    name = name_field("Enter their full name")
    email = email_field()
    roles = role_checkboxes("Council roles", [InputRequired("Select at least one role")])
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class AreaForm(FlaskForm):
    """An area's name."""

    name = StringField("Area name", widget=GovTextInput(), description="For example, a district or ward.",
                       validators=[InputRequired("Enter the area's name"),
                                   Length(max=120, message="Name must be 120 characters or fewer")])
    submit = SubmitField("Save area", widget=GovSubmitInput())


class ThemeForm(FlaskForm):
    """A priority theme's name and description; whether it is offered is shown only when editing."""

    name = StringField("Theme name", widget=GovTextInput(), description="For example, Climate and environment.",
                       validators=[InputRequired("Enter the theme's name"),
                                   Length(max=120, message="Name must be 120 characters or fewer")])
    description = TextAreaField("Description (optional)", widget=GovTextArea(),
                                description="What the council means by this priority.",
                                validators=[Length(max=2000, message="Description must be 2,000 characters or fewer")])
    is_active = BooleanField("Offer this theme for new needs and commitments", widget=GovCheckboxInput())
    submit = SubmitField("Save theme", widget=GovSubmitInput())


class MeasureForm(FlaskForm):
    """What a measure counts; the code is set once, when it is added."""

    name = StringField("Name", widget=GovTextInput(), description="For example, Employee volunteering.",
                       validators=[InputRequired("Enter a name"),
                                   Length(max=200, message="Name must be 200 characters or fewer")])
    unit = StringField("Unit", widget=GovTextInput(), description="Singular, for example hour, day, item or tonne CO2e.",
                       validators=[InputRequired("Enter a unit"),
                                   Length(max=40, message="Unit must be 40 characters or fewer")])
    categories = category_checkboxes()
    description = TextAreaField("Description (optional)", widget=GovTextArea(),
                                description="How to count it, or why it is counted but not valued in pounds.",
                                validators=[Length(max=2000, message="Description must be 2,000 characters or fewer")])
    is_active = BooleanField("Offer this measure for new needs and commitments", widget=GovCheckboxInput())
    submit = SubmitField("Save measure", widget=GovSubmitInput())


class NewMeasureForm(MeasureForm):
    """A new measure, with its code."""

    code = StringField("Code", widget=GovTextInput(),
                       description="A short label used in reports and CSV files, like VOL-HOURS. It cannot be changed later.",
                       validators=[InputRequired("Enter a code"),
                                   Length(max=20, message="Code must be 20 characters or fewer"),
                                   Regexp(r"^\s*[A-Za-z0-9][A-Za-z0-9-]*\s*$",
                                          message="Code must use only letters, numbers and hyphens, like VOL-HOURS")])


class ProxyValueForm(FlaskForm):
    """A new proxy value for a measure, from a date on."""

    pence_per_unit = PoundsField("Value per unit, in pounds", noun="Proxy value", example="12.21", allow_zero=True,
                                 most=Decimal("10000000"), description="For example, 12.21 for £12.21.",
                                 validators=[InputRequired("Enter the value per unit in pounds, like 12.21")])
    effective_from = GovDateField("Applies from", what="The date it applies from", description="For example, 1 4 2026",
                                  validators=[InputRequired("Enter the date it applies from")])
    source_note = TextAreaField("Source", widget=GovTextArea(),
                                description="Where the figure comes from, so others can check it.",
                                validators=[InputRequired("Enter where the figure comes from"),
                                            Length(max=1000, message="Source note must be 1,000 characters or fewer")])
    submit = SubmitField("Add proxy value", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    """A CSV file of measures and proxy values."""

    file = FileField("Upload a CSV file", widget=GovFileInput(), validators=[
        FileRequired("Select a CSV file"), FileAllowed(["csv"], "The selected file must be a CSV")])
    submit = SubmitField("Import measures", widget=GovSubmitInput())
