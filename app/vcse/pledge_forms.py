"""Forms for answering pledges and confirming or disputing deliveries."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.forms.fields import QuantityField

_LIMIT = Length(max=2000, message="This must be 2,000 characters or fewer")


class DeclinePledgeForm(FlaskForm):
    """Decline an offered pledge, saying why."""

    reason = TextAreaField("Why are you declining?", widget=GovTextArea(),
                           description="The supplier will see this in an email.",
                           validators=[InputRequired("Enter why you are declining this pledge"), _LIMIT])
    submit = SubmitField("Decline pledge", widget=GovSubmitInput())


class ConfirmDeliveryForm(FlaskForm):
    """What the group actually received, and optionally the difference it made."""

    quantity = QuantityField("How much did you receive?",
                             validators=[InputRequired("Enter how much you received")])
    story = TextAreaField("What difference did it make? (optional)", widget=GovTextArea(),
                          description="A few sentences the council may use in case studies. "
                                      "Do not include personal details of the people you support.",
                          validators=[Length(max=3000, message="This must be 3,000 characters or fewer")])
    submit = SubmitField("Confirm delivery", widget=GovSubmitInput())


class DisputeDeliveryForm(FlaskForm):
    """Say the delivery did not happen as described."""

    reason = TextAreaField("What is wrong with the delivery?", widget=GovTextArea(),
                           description="The supplier will see this, and a council moderator will look into it.",
                           validators=[InputRequired("Enter what is wrong with the delivery"), _LIMIT])
    submit = SubmitField("Dispute delivery", widget=GovSubmitInput())
