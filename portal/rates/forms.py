"""The admin's Bank Rate form: parses what was typed; the rules live in rates.services."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l


class BankRateForm(FlaskForm):
    effective_from = StringField(_l("In force from"), validators=[
        InputRequired(_l("Give the date the rate took effect."))],
        render_kw={"type": "date", "placeholder": "YYYY-MM-DD"})
    rate_percent = StringField(_l("Bank Rate (% a year)"), validators=[
        InputRequired(_l("Give the rate, e.g. 6.50."))], render_kw={"inputmode": "decimal"})
    source_note = TextAreaField(_l("Source"), validators=[
        InputRequired(_l("Say where the figure comes from (e.g. the RBI press release)."))])

    def validate_effective_from(self, field) -> None:
        try:
            self.parsed_date = date.fromisoformat(field.data.strip())
        except ValueError as exc:
            raise ValidationError(gettext("Write the date as YYYY-MM-DD, e.g. 2025-06-06.")) from exc

    def validate_rate_percent(self, field) -> None:
        text = field.data.strip().removesuffix("%").strip()
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(gettext("Enter the rate as a number, e.g. 6.50.")) from exc
        if not value.is_finite():
            raise ValidationError(gettext("Enter the rate as a number, e.g. 6.50."))
        self.parsed_rate = value

    def attach(self, errors: dict[str, str]) -> None:
        """Show a service refusal next to the field it concerns."""
        for name, message in errors.items():
            getattr(self, name).errors = [*getattr(self, name).errors, message]
