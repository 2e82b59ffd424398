"""Forms for a supplier's standing offers and its answers to requests for them."""
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.forms.common import (
    AppForm, choose_many, one_answer_form, optional_int, select_choices, short_answer, text_answer,
)
from app.forms.fields import GovDateField, QuantityField
from app.models import NeedCategory


class OfferForm(AppForm):
    """Everything an offer says; the service checks the same rules again before saving."""

    # The service decides whether a commitment may be drawn on, so the choices shown do not validate what was sent.
    commitment_id = RadioField("Which commitment is this offer part of?", widget=GovRadioInput(), coerce=optional_int,
                               validate_choice=False,
                               validators=[InputRequired("Select the commitment this offer is part of")])
    title = short_answer("Title", hint="For example, staff volunteers for a painting or gardening day.", noun="Title",
                         limit=120, required="Enter a title", one_line=True)
    summary = short_answer("Short summary", hint="One sentence shown in search results.", noun="Summary", limit=300,
                           required="Enter a short summary", one_line=True)
    description = TextAreaField(
        "Description", widget=GovTextArea(),
        description="Say what you can offer and who it suits. Leave a blank line between paragraphs. "
                    "You can write **bold**, *italic*, lists (start lines with - ) and links.",
        validators=[DataRequired("Enter a description"),
                    Length(max=10000, message="Description must be 10,000 characters or fewer")])
    category = RadioField("What kind of help is it?", widget=GovRadioInput(),
                          choices=select_choices(NeedCategory.choices()),
                          invalid_choice_message="Select what kind of help it is from the list",
                          validators=[InputRequired("Select what kind of help it is")])
    quantity = QuantityField("How much are you offering in total?", noun="Quantity",
                             description="In the commitment's unit, for example 40 for 40 hours.",
                             required="Enter how much you are offering")
    most_per_request = QuantityField("The most one group may request", noun="The most per request",
                                     required="Enter the most one group may request")
    area_ids = choose_many("Areas", invalid="Select areas from the list", required="Select at least one area")
    theme_ids = choose_many("Priority themes", invalid="Select priority themes from the list",
                            required="Select at least one priority theme")
    available_from = GovDateField("Available from", what="The date it is available from",
                                  description="For example, 27 3 2027",
                                  validators=[InputRequired("Enter the date it is available from")])
    available_until = GovDateField("Available until", what="The date it is available until",
                                   description="For example, 27 9 2027",
                                   validators=[InputRequired("Enter the date it is available until")])
    how_to_request = text_answer("How are requests handled?", required="Enter how requests are handled",
                                 hint="For example, who will get in touch, how much notice you need, what happens on "
                                      "the day.", noun="How requests are handled", limit=2000, blank_is_missing=True)
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit_review = SubmitField("Save and submit for review", widget=GovSubmitInput())

    def validate_available_until(self, field) -> None:
        """The available-until date must be after today."""
        if field.data is not None and field.data <= date.today():
            raise ValidationError("The date it is available until must be in the future")


DeclineRequestForm = one_answer_form(
    "DeclineRequestForm", "Decline a request for an offer, saying why.", "Why are you declining?",
    button="Decline request", hint="The group will see this in an email.",
    required="Enter why you are declining this request")
