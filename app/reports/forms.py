"""Forms of the reports pages."""
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from app.forms.common import AppForm, choose_many


class CaseStudyChoiceForm(AppForm):
    """Tick the published case studies to show in a year's report (none ticked shows none)."""

    case_study_ids = choose_many("Case studies to show in the report",
                                 invalid="Choose from the case studies published for this year")
    submit = SubmitField("Save the choice of case studies", widget=GovSubmitInput())
