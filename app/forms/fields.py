"""Form fields with GOV.UK-style messages for exact quantities, pounds and dates."""
import re
from decimal import Decimal, InvalidOperation

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from wtforms import DateField, Field
from wtforms.validators import InputRequired


# A number as people type it: ASCII digits, commas only between groups of three (1,500 or 12,000,000), an optional
# decimal point. Not "1,5" (a European decimal), "1e3", "1_000", "NaN" or digits from other scripts, which Decimal
# would otherwise read.
_NUMBER = re.compile(r"[+-]?(?=[0-9,.]*[0-9])(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]*)?")


class QuantityField(Field):
    """A positive exact decimal with at most 2 decimal places (never a float)."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, *, noun: str = "Quantity", required: str = "", **kwargs):
        if required:
            validators = [InputRequired(required), *(validators or [])]
        super().__init__(label, validators, **kwargs)
        self.noun = noun

    def _value(self) -> str:
        """What to show in the box: what was typed, or the stored value."""
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data.normalize():f}"

    def process_formdata(self, valuelist):
        """Parse the typed text exactly, with a message a person understands."""
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"{self.noun} must be a number, like 10 or 2.5")
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"{self.noun} must be a number, like 10 or 2.5") from None
        if not value.is_finite():
            raise ValueError(f"{self.noun} must be a number, like 10 or 2.5")
        if value <= 0:
            raise ValueError(f"{self.noun} must be more than 0")
        if value.as_tuple().exponent < -2:
            raise ValueError(f"{self.noun} must have no more than 2 decimal places")
        if value >= Decimal("10000000000"):
            raise ValueError(f"{self.noun} must be less than 10,000,000,000")
        self.data = value


class PoundsField(Field):
    """An amount in pounds, typed like 1,250,000 or 12.21, held exactly as integer pence (never a float)."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, *, noun: str = "Amount", example: str = "1,250 or 1250.50",
                 allow_zero: bool = False, most: Decimal = Decimal("9999999999.99"), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.noun, self.example, self.allow_zero, self.most = noun, example, allow_zero, most

    def _value(self) -> str:
        """What to show in the box: what was typed, or the stored pence as pounds."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data // 100:,}" if self.data % 100 == 0 else f"{Decimal(self.data) / 100:,.2f}"

    def process_formdata(self, valuelist):
        """Parse pounds exactly with Decimal, with messages a person understands."""
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().replace(",", "").removeprefix("£").strip()
        if not text:
            return
        not_an_amount = f"{self.noun} must be an amount in pounds, like {self.example}"
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(not_an_amount) from None
        if not value.is_finite():
            raise ValueError(not_an_amount)
        if value < 0 or (value == 0 and not self.allow_zero):
            raise ValueError(f"{self.noun} must be £0 or more" if self.allow_zero else f"{self.noun} must be more than £0")
        if value.as_tuple().exponent < -2:
            raise ValueError(f"{self.noun} must have no more than 2 decimal places (whole pence)")
        if value > self.most:
            raise ValueError(f"{self.noun} must be £{self.most:,} or less")
        self.data = int(value * 100)


class GovDateField(DateField):
    """A GOV.UK day-month-year date input with a plain-English error."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, what: str = "The date", **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.what = what

    def process_formdata(self, valuelist):
        """Parse day, month and year; an impossible date gets a clear message."""
        if len(valuelist) != 3:
            # Missing or forged: the widget redraws three empty boxes.
            self.raw_data, valuelist = None, []
        if not valuelist or not any(v.strip() for v in valuelist):
            self.data = None
            return
        try:
            super().process_formdata([" ".join(v.strip() for v in valuelist)])
        except ValueError:
            self.data = None
            raise ValueError(f"{self.what} must be a real date, like 27 3 2027") from None
