"""Moderation decision forms."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length


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
