"""Forms for pledging to a need, cancelling a pledge and saying it was delivered."""
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.forms.common import AppForm, one_answer_form, optional_int, text_answer
from app.forms.fields import GovDateField, QuantityField

_LIMIT = Length(max=2000, message="This must be 2,000 characters or fewer")


class PledgeForm(AppForm):
    """A pledge: which commitment it draws on, how much, when, and a message to the group."""

    # The service decides whether a commitment may be used (404 for anyone else's), so the
    # choices shown are not used to validate what was sent.
    commitment_id = RadioField("Which commitment is this pledge part of?", widget=GovRadioInput(),
                               coerce=optional_int, validate_choice=False,
                               validators=[InputRequired("Select the commitment this pledge is part of")])
    quantity = QuantityField("How much are you pledging?",
                             validators=[InputRequired("Enter how much you are pledging")])
    message = TextAreaField("Message to the group", widget=GovTextArea(),
                            description="Say what you will provide, who will do it and how to get in touch.",
                            validators=[InputRequired("Enter a message to the group"), _LIMIT])
    proposed_on = GovDateField("When can you provide it?", what="The proposed date",
                               description="For example, 27 3 2027",
                               validators=[InputRequired("Enter the date you can provide it")])
    submit = SubmitField("Send pledge", widget=GovSubmitInput())


CancelPledgeForm = one_answer_form(
    "CancelPledgeForm", "Cancel an accepted pledge, saying why.", "Why are you cancelling?", button="Cancel pledge",
    hint="The group will see this in an email.", required="Enter why you are cancelling this pledge")


class DeliveredForm(AppForm):
    """What was actually delivered, when, and what was done."""

    quantity = QuantityField("How much did you deliver?", required="Enter how much you delivered")
    delivered_on = GovDateField("When was it delivered?", what="The delivery date",
                                description="If it took place over several days, give the last one. For example, 27 3 2026",
                                validators=[InputRequired("Enter the date it was delivered")])
    note = text_answer("What was done?", required="Enter what was done", limit=5000,
                       hint="For example, 6 staff painted the hall over 2 Saturdays. The group will check this.")
    # Checked by content in the service (app/services/evidence.py), not by name here.
    files = MultipleFileField("Evidence (optional)", widget=GovFileInput(multiple=True),
                              description="Up to 5 files: PDF, JPEG or PNG, each 5 MB or smaller. For example, a "
                                          "signed timesheet or photos of the work. Photos have their location "
                                          "and camera details removed.")
    submit = SubmitField("Mark as delivered", widget=GovSubmitInput())


DismissSuggestionForm = one_answer_form(
    "DismissSuggestionForm", "Say a suggested need is not for your organisation, optionally why.",
    "Why is it not for you? (optional)", button="Do not suggest this again",
    hint="For example, it is too far from our sites. Only your organisation sees this.", limit=500)
