"""Form pieces every package shares: the form that speaks the page's language, the fresh-form check
for plain buttons, the money field, a whole-number field that refuses numbers too long to mean
anything, and the confirmation of an action that cannot be taken back (with the reason the audit
trail keeps)."""
from __future__ import annotations

from decimal import Decimal

import wtforms
from flask import abort
from flask_wtf import FlaskForm
from wtforms import Field, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import TextInput

from portal.i18n import PageCatalogue, gettext
from portal.money import CEILING, MoneyInvalid, parse_amount

REASON_MIN, REASON_MAX = 5, 1000


class PageForm(FlaskForm):
    """A form whose WTForms refusals (DataRequired, Length, NumberRange, Email, a date or a number
    that does not parse) are in the page's language, as its own `lazy_gettext` labels and messages
    are: the base of every form a debtor fills in. Flask-WTF's own i18n looks only in WTForms'
    catalogues, which have no Hindi; staff pages are English either way."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _CATALOGUE


_CATALOGUE = PageCatalogue()


def require_fresh_form() -> None:
    """400 unless the POST carries a valid CSRF token (the page was open too long, or came from elsewhere)."""
    if not FlaskForm().validate_on_submit():
        abort(400, gettext("Your form had expired. Please open the page again."))


def _squash(value: str | None) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """'Are you sure?' with a reason: the page that asks before a destructive action (issue 16, item 7).
    Works without JavaScript: a GET shows it, its POST does the action."""

    reason = TextAreaField("Your reason (kept in the audit trail)", filters=[_squash], validators=[
        DataRequired("Give your reason: it is kept in the audit trail."),
        Length(min=REASON_MIN, max=REASON_MAX,
               message=f"Give your reason in {REASON_MIN} to {REASON_MAX} characters.")])


class IntegerField(wtforms.IntegerField):
    """WTForms' IntegerField, refusing a number longer than any form here needs: WTForms' own
    NumberRange turns the value into a float and fails (a 500) past about 308 digits."""

    MAX_DIGITS = 12

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > self.MAX_DIGITS:
            self.data = None
            raise ValueError(gettext("Enter a whole number of at most %(count)s digits.",
                                     count=self.MAX_DIGITS))
        super().process_formdata(valuelist)


class MoneyField(Field):
    """An amount of rupees, parsed by `portal.money.parse_amount` (the same rules as the API and
    imports); `.data` is a Decimal, or None when left blank (then Optional/InputRequired decide)."""

    widget = TextInput()

    def __init__(self, label: str | None = None, validators=None, *, minimum: Decimal = Decimal("0"),
                 maximum: Decimal = CEILING, what=None, **kwargs) -> None:
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        # The amount's name in a refusal ("The down payment"): a lazy_gettext on a debtor's form.
        self.what = what

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:.2f}" if isinstance(self.data, Decimal) else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        try:
            what = self.what or f"The {(self.short_name or 'amount').replace('_', ' ')}"
            self.data = parse_amount(raw, minimum=self.minimum, maximum=self.maximum, what=what)
        except MoneyInvalid as exc:
            raise ValueError(str(exc)) from None
