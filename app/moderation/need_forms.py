"""Forms for moderating needs."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length


_LIMIT = Length(max=2000, message="This must be 2,000 characters or fewer")


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
