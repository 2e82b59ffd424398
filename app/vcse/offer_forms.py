"""The form a VCSE member fills in to request a supplier's standing offer."""
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import InputRequired

from app.forms.common import AppForm, text_answer
from app.forms.fields import GovDateField, QuantityField


class RequestOfferForm(AppForm):
    """How much the group would like, when, and a message to the supplier."""

    quantity = QuantityField("How much would you like?", required="Enter how much you would like")
    wanted_on = GovDateField("When would you like it?", what="The date", description="For example, 27 3 2027",
                             validators=[InputRequired("Enter the date you would like it")])
    message = text_answer("Message to the supplier", required="Enter a message to the supplier",
                          hint="Say what you would use it for and how to get in touch. Do not include personal "
                               "details of the people you support.", noun="Message", limit=2000,
                          blank_is_missing=True)
    submit = SubmitField("Send request", widget=GovSubmitInput())
