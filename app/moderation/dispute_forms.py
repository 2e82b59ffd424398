"""Forms for resolving disputed deliveries."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.forms.fields import QuantityField

_LIMIT = Length(max=2000, message="Note must be 2,000 characters or fewer")


class ResolveConfirmForm(FlaskForm):
    """Settle a dispute by confirming what was really delivered; this writes the ledger entry."""

    quantity = QuantityField("Quantity to confirm", description="No more than the supplier says it delivered.",
                             validators=[InputRequired("Enter the quantity to confirm")])
    note = TextAreaField("How was the dispute resolved?", widget=GovTextArea(),
                         description="Both the supplier and the organisation are emailed this note.",
                         validators=[InputRequired("Enter how the dispute was resolved"), _LIMIT])
    submit = SubmitField("Confirm this quantity", widget=GovSubmitInput())


class ResolveCancelForm(FlaskForm):
    """Settle a dispute by cancelling the pledge: nothing is counted."""

    note = TextAreaField("Why is the pledge being cancelled?", widget=GovTextArea(),
                         description="Both the supplier and the organisation are emailed this note.",
                         validators=[InputRequired("Enter why the pledge is being cancelled"), _LIMIT])
    submit = SubmitField("Cancel the pledge", widget=GovSubmitInput())
