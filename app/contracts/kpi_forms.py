"""Forms for published KPIs: the reason a large contract has fewer than three, and rating each KPI for a period."""
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.forms.common import AppForm, one_answer_form, select_choices
from app.forms.fields import GovDateField
from app.models import Commitment, KpiRatingValue

NARRATIVE_LIMIT = 2000

KpiExemptionForm = one_answer_form(
    "KpiExemptionForm", "Why a contract over the threshold publishes fewer than three KPIs.",
    "Why does this contract publish fewer than three KPIs?", button="Save reason", noun="Reason",
    hint="For example, the contract is a framework, or its performance cannot be assessed by KPIs. "
         "Leave it empty to remove the reason.")


class KpiRatingForm(AppForm):
    """A period and, added for each KPI by `kpi_rating_form`, a rating and a narrative."""

    period_start = GovDateField("Start of the period", what="The start of the period",
                                description="For example, 1 4 2025",
                                validators=[InputRequired("Enter the start of the period")])
    period_end = GovDateField("End of the period", what="The end of the period", description="For example, 31 3 2026",
                              validators=[InputRequired("Enter the end of the period")])
    refresh = SubmitField("Update the suggestions for these dates", widget=GovSubmitInput())
    submit = SubmitField("Save ratings", widget=GovSubmitInput())

    kpi_ids: list[int] = []

    def kpi_fields(self) -> list[tuple[int, RadioField, TextAreaField]]:
        """(commitment id, rating field, narrative field) for each KPI, in order."""
        return [(i, self[f"rating_{i}"], self[f"narrative_{i}"]) for i in self.kpi_ids]


def kpi_rating_form(kpis: list[Commitment], **kwargs) -> KpiRatingForm:
    """A rating form with a rating and a narrative for each of these KPIs."""
    fields: dict = {"__doc__": KpiRatingForm.__doc__, "kpi_ids": [c.id for c in kpis]}
    for c in kpis:
        name = c.measure.name
        fields[f"rating_{c.id}"] = RadioField(
            f"Rating for {name}", widget=GovRadioInput(), choices=select_choices(KpiRatingValue.choices()),
            validators=[InputRequired(f"Select a rating for {name}")],
            invalid_choice_message=f"Select a rating for {name} from the list")
        fields[f"narrative_{c.id}"] = TextAreaField(
            f"Narrative for {name}", widget=GovTextArea(),
            description="Published with the rating. Required if you choose a rating other than the suggested one, "
                        "or Other.",
            validators=[Length(max=NARRATIVE_LIMIT,
                               message=f"Narrative must be {NARRATIVE_LIMIT:,} characters or fewer")])
    return type("KpiRatingsForm", (KpiRatingForm,), fields)(**kwargs)
