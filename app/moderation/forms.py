"""Moderation decision forms: registrations, needs and disputed deliveries."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.forms.fields import QuantityField

_LIMIT = Length(max=2000, message="This must be 2,000 characters or fewer")
_NOTE_LIMIT = Length(max=2000, message="Note must be 2,000 characters or fewer")


class ApproveForm(FlaskForm):
    """Approve, with an optional note for the audit trail."""

    note = TextAreaField("Note for the audit trail (optional)", widget=GovTextArea(),
                         validators=[Length(max=2000, message="Note must be 2,000 characters or fewer")])
    submit = SubmitField("Approve organisation", widget=GovSubmitInput())


class RejectForm(FlaskForm):
    """Reject, with a reason the organisation is told."""

    reason = TextAreaField("Reason for rejecting", widget=GovTextArea(),
                           description="The organisation's users will see this in an email.",
                           validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")])
    submit = SubmitField("Reject organisation", widget=GovSubmitInput())


class ApproveNeedForm(FlaskForm):
    """Publish the need, with an optional note for the audit trail."""

    note = TextAreaField("Note for the audit trail (optional)", widget=GovTextArea(),
                         validators=[_LIMIT])
    submit = SubmitField("Approve and publish", widget=GovSubmitInput())


class RequestChangesForm(FlaskForm):
    """Send the need back with what to change."""

    reason = TextAreaField("What needs to change?", widget=GovTextArea(),
                           description="The organisation will see this in an email and on the need.",
                           validators=[_LIMIT])
    submit = SubmitField("Request changes", widget=GovSubmitInput())


class RejectNeedForm(FlaskForm):
    """Reject the need with a reason."""

    reason = TextAreaField("Reason for rejecting", widget=GovTextArea(),
                           description="The organisation will see this in an email.",
                           validators=[_LIMIT])
    submit = SubmitField("Reject need", widget=GovSubmitInput())


class HideNeedForm(FlaskForm):
    """Take an open need down."""

    reason = TextAreaField("Reason for hiding", widget=GovTextArea(),
                           description="For example, a duplicate or abusive content. The organisation is told.",
                           validators=[_LIMIT])
    submit = SubmitField("Hide need", widget=GovSubmitInput())


class ResolveConfirmForm(FlaskForm):
    """Settle a dispute by confirming what was really delivered; this writes the ledger entry."""

    quantity = QuantityField("Quantity to confirm", description="No more than the supplier says it delivered.",
                             validators=[InputRequired("Enter the quantity to confirm")])
    note = TextAreaField("How was the dispute resolved?", widget=GovTextArea(),
                         description="Both the supplier and the organisation are emailed this note.",
                         validators=[InputRequired("Enter how the dispute was resolved"), _NOTE_LIMIT])
    submit = SubmitField("Confirm this quantity", widget=GovSubmitInput())


class ResolveCancelForm(FlaskForm):
    """Settle a dispute by cancelling the pledge: nothing is counted."""

    note = TextAreaField("Why is the pledge being cancelled?", widget=GovTextArea(),
                         description="Both the supplier and the organisation are emailed this note.",
                         validators=[InputRequired("Enter why the pledge is being cancelled"), _NOTE_LIMIT])
    submit = SubmitField("Cancel the pledge", widget=GovSubmitInput())
