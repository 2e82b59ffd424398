"""The VCSE's forms: the need form, and answering pledges and confirming or disputing deliveries."""
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovSubmitInput
from wtforms import BooleanField, MultipleFileField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from app.forms.common import AppForm, choose_one, one_answer_form, text_answer
from app.forms.fields import QuantityField
from app.forms.listing import (
    ListingForm, future_date, kind_of_help, listing_description, listing_summary, listing_title, priority_themes,
)
from app.models import NeedCategory


class NeedForm(ListingForm):
    """Everything a need says; the service checks the same rules again before saving."""

    # {measure id: the category values it counts} for today's active measures; the view sets it.
    measure_categories: dict[int, frozenset[str]] = {}

    title = listing_title("a meeting room for our carers' group.")
    summary = listing_summary()
    description = listing_description("Say what you need and what difference it will make.",
                                      "Do not include personal details of the people you support.")
    category = kind_of_help("What kind of help do you need?", "what kind of help you need")
    measure_id = choose_one("How should it be counted?", hint="The measure decides the unit, such as hours or days.",
                            invalid="Select a measure from the list", required="Select how it should be counted")
    quantity = QuantityField("How much do you need?", description="In the measure's unit, for example 40 for 40 hours.",
                             validators=[InputRequired("Enter how much you need")])
    area_id = choose_one("Area", invalid="Select an area from the list", required="Select the area the need is in")
    theme_ids = priority_themes()
    needed_by = future_date("Needed by", what="The date it is needed by", example="27 3 2027",
                            required="Enter the date it is needed by")
    contact = text_answer("How should a supplier get in touch?", required="Enter how a supplier should get in touch",
                          hint="For example, a work email address or phone number. Shown only to signed-in suppliers "
                               "and moderators.", noun="Contact details", limit=500, blank_is_missing=True)

    def validate_measure_id(self, field) -> None:
        """The measure must count the kind of help chosen."""
        categories = self.measure_categories.get(field.data)
        if field.errors or self.category.errors or categories is None or self.category.data in categories:
            return
        if self.category.data in {c.value for c in NeedCategory}:
            raise ValidationError(f"Select a measure that counts {NeedCategory(self.category.data).label.lower()}")


DeclinePledgeForm = one_answer_form(
    "DeclinePledgeForm", "Decline an offered pledge, saying why.", "Why are you declining?", button="Decline pledge",
    hint="The supplier will see this in an email.", required="Enter why you are declining this pledge")


class ConfirmDeliveryForm(AppForm):
    """What the group actually received, and optionally the difference it made."""

    quantity = QuantityField("How much did you receive?", required="Enter how much you received")
    story = text_answer("What difference did it make? (optional)", limit=3000,
                        hint="A few sentences the council may use in case studies. "
                             "Do not include personal details of the people you support.")
    consent = BooleanField("The council may publish this story as a case study, after taking out any personal "
                           "details, with our name, the supplier’s name and the value delivered",
                           widget=GovCheckboxInput())
    # Checked by content in the service (app/services/evidence.py), not by name here.
    photos = MultipleFileField("Photos (optional)", widget=GovFileInput(multiple=True),
                               description="Up to 5 photos: JPEG or PNG, each 5 MB or smaller. Location and "
                                           "camera details are removed. Do not include photos of people who "
                                           "have not agreed.")
    submit = SubmitField("Confirm delivery", widget=GovSubmitInput())


DisputeDeliveryForm = one_answer_form(
    "DisputeDeliveryForm", "Say the delivery did not happen as described.", "What is wrong with the delivery?",
    button="Dispute delivery", hint="The supplier will see this, and a council moderator will look into it.",
    required="Enter what is wrong with the delivery")
