"""Moderation decision forms: registrations, needs and disputed deliveries."""
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import InputRequired

from app.forms.common import AppForm, one_answer_form, text_answer
from app.forms.fields import QuantityField



ApproveForm = one_answer_form("ApproveForm", "Approve, with an optional note for the audit trail.",
                              "Note for the audit trail (optional)", field="note", noun="Note",
                              button="Approve organisation")


RejectForm = one_answer_form("RejectForm", "Reject, with a reason the organisation is told.", "Reason for rejecting",
                             hint="The organisation's users will see this in an email.", noun="Reason",
                             button="Reject organisation")


ApproveNeedForm = one_answer_form("ApproveNeedForm", "Publish the need, with an optional note for the audit trail.",
                                  "Note for the audit trail (optional)", field="note", button="Approve and publish")


RequestChangesForm = one_answer_form(
    "RequestChangesForm", "Send the need back with what to change.", "What needs to change?", button="Request changes",
    hint="The organisation will see this in an email and on the need.")


RejectNeedForm = one_answer_form("RejectNeedForm", "Reject the need with a reason.", "Reason for rejecting",
                                 hint="The organisation will see this in an email.", button="Reject need")


HideNeedForm = one_answer_form(
    "HideNeedForm", "Take an open need down.", "Reason for hiding", button="Hide need",
    hint="For example, a duplicate or abusive content. The organisation is told.")


class ResolveConfirmForm(AppForm):
    """Settle a dispute by confirming what was really delivered; this writes the ledger entry."""

    quantity = QuantityField("Quantity to confirm", description="No more than the supplier says it delivered.",
                             validators=[InputRequired("Enter the quantity to confirm")])
    note = text_answer("How was the dispute resolved?", noun="Note", required="Enter how the dispute was resolved",
                       hint="Both the supplier and the organisation are emailed this note.")
    submit = SubmitField("Confirm this quantity", widget=GovSubmitInput())


ResolveCancelForm = one_answer_form(
    "ResolveCancelForm", "Settle a dispute by cancelling the pledge: nothing is counted.",
    "Why is the pledge being cancelled?", field="note", noun="Note", button="Cancel the pledge",
    hint="Both the supplier and the organisation are emailed this note.", required="Enter why the pledge is being cancelled")


ApproveOfferForm = one_answer_form("ApproveOfferForm", "Publish the offer, with an optional note for the audit trail.",
                                   "Note for the audit trail (optional)", field="note", button="Approve and publish")


RequestOfferChangesForm = one_answer_form(
    "RequestOfferChangesForm", "Send the offer back with what to change.", "What needs to change?",
    button="Request changes", hint="The supplier will see this in an email and on the offer.")


RejectOfferForm = one_answer_form("RejectOfferForm", "Reject the offer with a reason.", "Reason for rejecting",
                                  hint="The supplier will see this in an email.", button="Reject offer")


HideOfferForm = one_answer_form(
    "HideOfferForm", "Take an open offer down.", "Reason for hiding", button="Hide offer",
    hint="For example, a duplicate or misleading content. The supplier is told.")


PublishCaseStudyForm = one_answer_form(
    "PublishCaseStudyForm", "Publish a case study as edited.", "Story to publish", field="text",
    button="Publish case study", noun="The story", limit=3000, required="Enter the story to publish",
    hint="Take out names, addresses and anything else that could identify a person. The public will see this text "
         "with the need, both organisations and the value confirmed.")


DeclineCaseStudyForm = one_answer_form(
    "DeclineCaseStudyForm", "Keep a case study private, with a reason.", "Why is it not being published?",
    button="Do not publish", noun="Reason", required="Enter why the story is not being published",
    hint="For the audit trail. The story stays private.")
