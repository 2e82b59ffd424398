"""Forms for a user's own account and their team."""
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSubmitInput
from wtforms import PasswordField, RadioField, SubmitField
from wtforms.validators import InputRequired

from app.forms.common import AppForm, name_field, email_field, new_password_field, select_choices
from app.models import DEFAULT_FREQUENCIES, EmailKind, Frequency


class ChangePasswordForm(AppForm):
    """The current password, then a new one."""

    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[InputRequired("Enter your current password")])
    password = new_password_field("New password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class InviteForm(AppForm):
    """A colleague's name and email."""

    name = name_field("Enter your colleague's full name")
    email = email_field()
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


def _frequency_field(kind: EmailKind) -> RadioField:
    """Radios for how often to get one kind of email, with what it covers and its default as the hint."""
    default = DEFAULT_FREQUENCIES[kind].label.lower()
    return RadioField(kind.label, widget=GovRadioInput(), choices=select_choices(Frequency.choices()),
                      description=f"{kind.hint} If you do not choose, you get these {default}.",
                      validators=[InputRequired("Select how often you want these emails")])


class NotificationSettingsForm(AppForm):
    """How often to get each kind of email; the view keeps only the kinds the user can get."""

    action_needed = _frequency_field(EmailKind.ACTION_NEEDED)
    suggestions = _frequency_field(EmailKind.SUGGESTIONS)
    new_listings = _frequency_field(EmailKind.NEW_LISTINGS)
    moderation_queue = _frequency_field(EmailKind.MODERATION_QUEUE)
    submit = SubmitField("Save email settings", widget=GovSubmitInput())

    def keep_only(self, kinds: list[EmailKind]) -> "NotificationSettingsForm":
        """Drop the questions about kinds of email this user cannot get."""
        for kind in EmailKind:
            if kind not in kinds:
                delattr(self, kind.value)
        return self

    def choices(self) -> dict[EmailKind, Frequency]:
        """The answers, by kind."""
        return {kind: Frequency(self[kind.value].data) for kind in EmailKind if kind.value in self}
