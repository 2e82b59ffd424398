"""The fields a need form and an offer form share, each defined once: title, summary, description, kind of help,
priority themes, dates that must be in the future, and the save buttons."""
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.forms.common import AppForm, choose_many, select_choices, short_answer
from app.forms.fields import GovDateField
from app.models import NeedCategory

RICH_TEXT_HELP = ("Leave a blank line between paragraphs. "
                  "You can write **bold**, *italic*, lists (start lines with - ) and links.")


def listing_title(example: str) -> StringField:
    """The listing's title, on one line, with an example of a good one."""
    return short_answer("Title", hint=f"For example, {example}", noun="Title", limit=120, required="Enter a title",
                        one_line=True)


def listing_summary() -> StringField:
    """The one sentence shown in search results."""
    return short_answer("Short summary", hint="One sentence shown in search results.", noun="Summary", limit=300,
                        required="Enter a short summary", one_line=True)


def listing_description(say: str, warning: str = "") -> TextAreaField:
    """The description in simple Markdown: `say` tells what to write, `warning` what to leave out."""
    return TextAreaField(
        "Description", widget=GovTextArea(), description=" ".join(filter(None, [say, RICH_TEXT_HELP, warning])),
        validators=[DataRequired("Enter a description"),
                    Length(max=10000, message="Description must be 10,000 characters or fewer")])


def kind_of_help(label: str, what: str) -> RadioField:
    """The category as radios; `what` completes "Select ..." in its messages, e.g. "what kind of help it is"."""
    return RadioField(label, widget=GovRadioInput(), choices=select_choices(NeedCategory.choices()),
                      invalid_choice_message=f"Select {what} from the list", validators=[InputRequired(f"Select {what}")])


def priority_themes() -> SelectMultipleField:
    """The council's priority themes the listing serves, at least one."""
    return choose_many("Priority themes", invalid="Select priority themes from the list",
                       required="Select at least one priority theme")


class InTheFuture:
    """A date after today; the message names the date, e.g. "The date it is needed by must be in the future"."""

    def __init__(self, what: str):
        self.message = f"{what} must be in the future"

    def __call__(self, form, field) -> None:
        if field.data is not None and field.data <= date.today():
            raise ValidationError(self.message)


def future_date(label: str, *, what: str, example: str, required: str) -> GovDateField:
    """A GOV.UK date that must come after today, with an example date as its hint."""
    return GovDateField(label, what=what, description=f"For example, {example}",
                        validators=[InputRequired(required), InTheFuture(what)])


class ListingForm(AppForm):
    """The base of the need and offer forms: save as a draft, or save and send to a moderator."""

    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit_review = SubmitField("Save and submit for review", widget=GovSubmitInput())
