"""Forms for contracts, commitments and ledger reversals."""

from flask import current_app
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput, GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.formatting import policy_target
from app.models import PolicyTerms
from app.forms.common import AppForm, one_answer_form, optional_int, select_choices, single_line
from app.forms.fields import GovDateField, PoundsField, QuantityField
from app.models import TargetKind

_NOTE_LIMIT = Length(max=2000, message="Note must be 2,000 characters or fewer")


class ContractForm(AppForm):
    """A contract's details; the service checks the rules that need the database."""

    reference = StringField("Contract reference", widget=GovTextInput(), description="For example, WCC-2025-001.",
                            validators=[InputRequired("Enter the contract reference"),
                                        Length(max=50, message="Reference must be 50 characters or fewer")])
    title = StringField("Contract title", widget=GovTextInput(),
                        validators=[InputRequired("Enter the contract title"),
                                    Length(max=200, message="Title must be 200 characters or fewer")])
    # The service says clearly why a supplier or manager cannot be chosen, so the choices are not re-checked here.
    supplier_id = SelectField("Supplier", widget=GovSelect(), coerce=optional_int, validate_choice=False,
                              description="Only suppliers a moderator has approved are listed.",
                              validators=[InputRequired("Select the supplier")])
    value_pence = PoundsField("Contract value", noun="Contract value", example="1,250,000 or 1250000.50", description="In pounds, for example 1,250,000.",
                              validators=[InputRequired("Enter the contract value")])
    starts_on = GovDateField("Start date", what="The start date", description="For example, 1 4 2025",
                             validators=[InputRequired("Enter the start date")])
    ends_on = GovDateField("End date", what="The end date", description="For example, 31 3 2028",
                           validators=[InputRequired("Enter the end date")])
    contract_manager_id = SelectField("Responsible contract manager", widget=GovSelect(), coerce=optional_int,
                                      validate_choice=False,
                                      validators=[InputRequired("Select the responsible contract manager")])
    target_kind = RadioField("How is the social value target set?", widget=GovRadioInput(),
                             choices=select_choices([(TargetKind.POUNDS.value, "An amount in pounds"),
                                                     (TargetKind.PERCENT.value, "A percentage of the contract value")]),
                             validators=[InputRequired("Select how the social value target is set")])
    target_pence = PoundsField("Target in pounds", noun="Target", description="For example, 125,000.",
                               validators=[Optional()])
    target_percent = QuantityField("Target percentage", noun="Target percentage", description="For example, 10.",
                                   validators=[Optional(),
                                               NumberRange(max=100, message="Target percentage must be 100 or less")])
    ocid = StringField("Open Contracting ID (OCID) (optional)", widget=GovTextInput(), filters=[single_line],
                       description="If the contract is published as open contracting data, for example "
                                   "ocds-h6vhtk-01a2b3. Its open data then links to the same contract.",
                       validators=[Optional(), Length(max=80, message="OCID must be 80 characters or fewer")])
    notice_id = StringField("Find a Tender notice (optional)", widget=GovTextInput(), filters=[single_line],
                            description="The notice id of its award or contract details notice, for example "
                                        "012345-2025.",
                            validators=[Optional(), Length(max=20, message="Notice id must be 20 characters or fewer")])
    submit = SubmitField("Save contract", widget=GovSubmitInput())

    def __init__(self, *args, policy: PolicyTerms, **kwargs):
        """The form, its target hint saying which of the council's policy applies (read when it is built)."""
        super().__init__(*args, **kwargs)
        self.target_kind.description = policy_target(current_app.config["COUNCIL_NAME"], policy)

    def validate(self, extra_validators=None) -> bool:
        """Check only the target box that goes with the chosen radio, and require it."""
        super().validate(extra_validators)
        boxes = {TargetKind.POUNDS.value: (self.target_pence, "Enter the target in pounds"),
                 TargetKind.PERCENT.value: (self.target_percent, "Enter the target percentage")}
        if self.target_kind.data in boxes:
            for kind, (field, message) in boxes.items():
                if kind != self.target_kind.data:
                    field.errors, field.data = [], None
                elif field.data is None and not field.errors:
                    field.errors = [message]
        self._errors = None
        return not self.errors


class CommitmentForm(AppForm):
    """A commitment: a quantity of one measure by a date, for some themes and areas."""

    measure_id = SelectField("Measure", widget=GovSelect(), coerce=optional_int,
                             description="What is counted; the unit is in brackets.",
                             validators=[InputRequired("Select a measure")])
    quantity = QuantityField("Quantity", description="In the measure's unit, for example 200 for 200 hours.",
                             validators=[InputRequired("Enter the quantity committed")])
    due_on = GovDateField("Due by", what="The due date", description="For example, 31 3 2026",
                          validators=[InputRequired("Enter the date it is due by")])
    theme_ids = SelectMultipleField("Priority themes it is meant for", widget=GovCheckboxesInput(), coerce=int,
                                    description="Select all that apply.", validators=[Optional()])
    area_ids = SelectMultipleField("Areas it is meant for", widget=GovCheckboxesInput(), coerce=int,
                                   description="Select all that apply.", validators=[Optional()])
    note = TextAreaField("Note (optional)", widget=GovTextArea(),
                         description="For example, what the tender promised in its own words.",
                         validators=[_NOTE_LIMIT])
    is_kpi = BooleanField("Publish this commitment as a KPI", widget=GovCheckboxInput(),
                          description="Published KPIs are rated at least every 12 months in the contract performance "
                                      "notice (Procurement Act 2023).")
    submit = SubmitField("Save commitment", widget=GovSubmitInput())


EndContractForm = one_answer_form(
    "EndContractForm", "End a contract early, with a reason.", "Why is the contract ending early?", button="End contract",
    hint="This is kept in the audit trail.", required="Enter why the contract is ending early", noun="Reason")


ReverseEntryForm = one_answer_form(
    "ReverseEntryForm", "Reverse a wrong ledger entry, with a reason.", "Why is this entry being reversed?",
    button="Reverse entry", hint="Shown next to the reversal on the contract page.",
    required="Enter why this entry is being reversed", noun="Reason")
