"""Forms for a supplier's standing offers and its answers to requests for them."""
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.validators import InputRequired

from app.forms.common import choose_many, one_answer_form, optional_int, text_answer
from app.forms.fields import GovDateField, QuantityField
from app.forms.listing import (
    ListingForm, future_date, kind_of_help, listing_description, listing_summary, listing_title, priority_themes,
)


class OfferForm(ListingForm):
    """Everything an offer says; the service checks the same rules again before saving."""

    # The service decides whether a commitment may be drawn on, so the choices shown do not validate what was sent.
    commitment_id = RadioField("Which commitment is this offer part of?", widget=GovRadioInput(), coerce=optional_int,
                               validate_choice=False,
                               validators=[InputRequired("Select the commitment this offer is part of")])
    title = listing_title("staff volunteers for a painting or gardening day.")
    summary = listing_summary()
    description = listing_description("Say what you can offer and who it suits.")
    category = kind_of_help("What kind of help is it?", "what kind of help it is")
    quantity = QuantityField("How much are you offering in total?", noun="Quantity",
                             description="In the commitment's unit, for example 40 for 40 hours.",
                             required="Enter how much you are offering")
    most_per_request = QuantityField("The most one group may request", noun="The most per request",
                                     required="Enter the most one group may request")
    area_ids = choose_many("Areas", invalid="Select areas from the list", required="Select at least one area")
    theme_ids = priority_themes()
    available_from = GovDateField("Available from", what="The date it is available from",
                                  description="For example, 27 3 2027",
                                  validators=[InputRequired("Enter the date it is available from")])
    available_until = future_date("Available until", what="The date it is available until", example="27 9 2027",
                                  required="Enter the date it is available until")
    how_to_request = text_answer("How are requests handled?", required="Enter how requests are handled",
                                 hint="For example, who will get in touch, how much notice you need, what happens on "
                                      "the day.", noun="How requests are handled", limit=2000, blank_is_missing=True)


DeclineRequestForm = one_answer_form(
    "DeclineRequestForm", "Decline a request for an offer, saying why.", "Why are you declining?",
    button="Decline request", hint="The group will see this in an email.",
    required="Enter why you are declining this request")
