"""The VCSE's forms: the need form, and answering pledges and confirming or disputing deliveries."""
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput, GovSubmitInput, GovTextArea,
)
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.forms.common import (
    AppForm, choose_many, choose_one, one_answer_form, select_choices, short_answer, text_answer,
)
from app.forms.fields import GovDateField, QuantityField
from app.models import NeedCategory


class NeedForm(AppForm):
    """Everything a need says; the service checks the same rules again before saving."""

    # {measure id: the category values it counts} for today's active measures; the view sets it.
    measure_categories: dict[int, frozenset[str]] = {}

    title = short_answer("Title", hint="For example, a meeting room for our carers' group.", noun="Title", limit=120,
                         required="Enter a title", one_line=True)
    summary = short_answer("Short summary", hint="One sentence shown in search results.", noun="Summary", limit=300,
                           required="Enter a short summary", one_line=True)
    description = TextAreaField(
        "Description", widget=GovTextArea(),
        description="Say what you need and what difference it will make. Leave a blank line between paragraphs. "
                    "You can write **bold**, *italic*, lists (start lines with - ) and links. "
                    "Do not include personal details of the people you support.",
        validators=[DataRequired("Enter a description"),
                    Length(max=10000, message="Description must be 10,000 characters or fewer")])
    category = RadioField("What kind of help do you need?", widget=GovRadioInput(),
                          choices=select_choices(NeedCategory.choices()),
                          invalid_choice_message="Select what kind of help you need from the list",
                          validators=[InputRequired("Select what kind of help you need")])
    measure_id = choose_one("How should it be counted?", hint="The measure decides the unit, such as hours or days.",
                            invalid="Select a measure from the list", required="Select how it should be counted")
    quantity = QuantityField("How much do you need?", description="In the measure's unit, for example 40 for 40 hours.",
                             validators=[InputRequired("Enter how much you need")])
    area_id = choose_one("Area", invalid="Select an area from the list", required="Select the area the need is in")
    theme_ids = choose_many("Priority themes", invalid="Select priority themes from the list",
                            required="Select at least one priority theme")
    needed_by = GovDateField("Needed by", what="The date it is needed by",
                             description="For example, 27 3 2027",
                             validators=[InputRequired("Enter the date it is needed by")])
    contact = text_answer("How should a supplier get in touch?", required="Enter how a supplier should get in touch",
                          hint="For example, a work email address or phone number. Shown only to signed-in suppliers "
                               "and moderators.", noun="Contact details", limit=500, blank_is_missing=True)
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit_review = SubmitField("Save and submit for review", widget=GovSubmitInput())

    def validate_measure_id(self, field) -> None:
        """The measure must count the kind of help chosen."""
        categories = self.measure_categories.get(field.data)
        if field.errors or self.category.errors or categories is None or self.category.data in categories:
            return
        if self.category.data in {c.value for c in NeedCategory}:
            raise ValidationError(f"Select a measure that counts {NeedCategory(self.category.data).label.lower()}")

    def validate_needed_by(self, field) -> None:
        """The needed-by date must be after today."""
        if field.data is not None and field.data <= date.today():
            raise ValidationError("The date it is needed by must be in the future")




DeclinePledgeForm = one_answer_form(
    "DeclinePledgeForm", "Decline an offered pledge, saying why.", "Why are you declining?", button="Decline pledge",
    hint="The supplier will see this in an email.", required="Enter why you are declining this pledge")


class ConfirmDeliveryForm(AppForm):
    """What the group actually received, and optionally the difference it made."""

    quantity = QuantityField("How much did you receive?", required="Enter how much you received")
    story = text_answer("What difference did it make? (optional)", limit=3000,
                        hint="A few sentences the council may use in case studies. "
                             "Do not include personal details of the people you support.")
    submit = SubmitField("Confirm delivery", widget=GovSubmitInput())


DisputeDeliveryForm = one_answer_form(
    "DisputeDeliveryForm", "Say the delivery did not happen as described.", "What is wrong with the delivery?",
    button="Dispute delivery", hint="The supplier will see this, and a council moderator will look into it.",
    required="Enter what is wrong with the delivery")
