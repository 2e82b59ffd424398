"""Admin forms: roles, invitations, areas, themes, measures, proxy values and the CSV import."""
from decimal import Decimal

from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovCheckboxInput, GovFileInput, GovSubmitInput, GovTextInput,
)
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app.forms.common import AppForm, name_field, short_answer, text_answer, email_field, select_choices
from app.forms.fields import GovDateField, PoundsField, QuantityField
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


class RolesForm(AppForm):
    """The council roles a user holds."""

    roles = role_checkboxes("Council roles")
    submit = SubmitField("Save roles", widget=GovSubmitInput())


class InviteCouncilUserForm(AppForm):
    """Someone to invite into the council, and their roles."""

    name = name_field("Enter their full name")
    email = email_field()
    roles = role_checkboxes("Council roles", [InputRequired("Select at least one role")])
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class AreaForm(AppForm):
    """An area's name and its ONS code."""

    name = short_answer("Area name", hint="For example, a district or ward.", required="Enter the area's name",
                        noun="Name", limit=120)
    ons_code = StringField("ONS code (optional)", widget=GovTextInput(),
                           description="The Office for National Statistics code for the place, like E06000001, so "
                                       "other systems and open data can join on it.",
                           validators=[Optional(), Length(max=20, message="ONS code must be 20 characters or fewer")])
    submit = SubmitField("Save area", widget=GovSubmitInput())


class ThemeForm(AppForm):
    """A priority theme's name and description; whether it is offered is shown only when editing."""

    name = short_answer("Theme name", hint="For example, Climate and environment.", required="Enter the theme's name",
                        noun="Name", limit=120)
    description = text_answer("Description (optional)", hint="What the council means by this priority.",
                              noun="Description")
    is_active = BooleanField("Offer this theme for new needs and commitments", widget=GovCheckboxInput())
    submit = SubmitField("Save theme", widget=GovSubmitInput())


class MeasureForm(AppForm):
    """What a measure counts; the code is set once, when it is added."""

    name = short_answer("Name", hint="For example, Employee volunteering.", required="Enter a name", noun="Name",
                        limit=200)
    unit = short_answer("Unit", hint="Singular, for example hour, day, item or tonne CO2e.", required="Enter a unit",
                        noun="Unit", limit=40)
    categories = category_checkboxes()
    description = text_answer("Description (optional)", noun="Description",
                              hint="How to count it, or why it is counted but not valued in pounds.")
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


class ProxyValueForm(AppForm):
    """A new proxy value for a measure, from a date on."""

    pence_per_unit = PoundsField("Value per unit, in pounds", noun="Proxy value", example="12.21", allow_zero=True,
                                 most=Decimal("10000000"), description="For example, 12.21 for £12.21.",
                                 validators=[InputRequired("Enter the value per unit in pounds, like 12.21")])
    effective_from = GovDateField("Applies from", what="The date it applies from", description="For example, 1 4 2026",
                                  validators=[InputRequired("Enter the date it applies from")])
    source_note = text_answer("Source", hint="Where the figure comes from, so others can check it.",
                              required="Enter where the figure comes from", noun="Source note", limit=1000)
    submit = SubmitField("Add proxy value", widget=GovSubmitInput())


class MeasureCodeForm(AppForm):
    """A measure's code in another framework (adding one for a framework it has replaces that code)."""

    scheme = short_answer("Framework", noun="Framework", limit=40, required="Enter the framework", one_line=True,
                          hint="The framework or list the code belongs to, for example the council's reporting "
                               "framework or a regional list.")
    code = short_answer("Code in that framework", noun="Code", limit=40, one_line=True,
                        required="Enter the measure's code in this framework", hint="For example, SV-3.1")
    submit = SubmitField("Save code", widget=GovSubmitInput())


class ImportForm(AppForm):
    """A CSV file of measures and proxy values."""

    file = FileField("Upload a CSV file", widget=GovFileInput(), validators=[
        FileRequired("Select a CSV file"), FileAllowed(["csv"], "The selected file must be a CSV")])
    submit = SubmitField("Import measures", widget=GovSubmitInput())


class PolicyForm(AppForm):
    """The council's social value policy: when social value is expected, and how much."""

    threshold_pence = PoundsField("Contract value above which social value is expected, in pounds", noun="Threshold",
                                  example="100,000", allow_zero=True,
                                  description="For example, 100,000. The seed policies use £25,000, £50,000 and "
                                              "£100,000.",
                                  validators=[InputRequired("Enter the contract value above which social value is "
                                                            "expected")])
    percent_of_value = QuantityField("Expected social value as a percentage of contract value (optional)",
                                     noun="Percentage", description="For example, 10 for Surrey's 10%.",
                                     validators=[Optional(), NumberRange(max=100,
                                                                         message="Percentage must be 100 or less")])
    pounds_per_pound = QuantityField("Expected pounds of social value for every £1 of contract value (optional)",
                                     noun="Pounds per pound", description="For example, 1 for Ashfield's £1 per £1.",
                                     validators=[Optional(), NumberRange(max=10, message="Pounds per pound must be "
                                                                                         "10 or less")])
    submit = SubmitField("Save policy", widget=GovSubmitInput())
