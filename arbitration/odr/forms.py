"""Forms of the ODR room and its offers pages: a message (with an optional reply target and
attachment), a request for a conciliator, the institution's appointment of a neutral; an offer
(lump sum or instalments), a bidding proposal, a sealed figure. Amounts are typed as text and parsed
here, so "1,23,456.78", "₹ 500" and nonsense like "NaN" all get a clear message, not an error page."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from arbitration.odr.conciliation import MAX_REASON
from arbitration.odr.room import MAX_BODY
from arbitration.settlement.terms import MAX_INSTALMENTS, SettlementTerms, TermsError
from portal import money
from portal.formfields import choices
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.types import IST
from portal.web.forms import IntegerField, PageForm


class MessageForm(PageForm):
    body = TextAreaField(_l("Your message"), validators=[
        InputRequired(_l("Write a message before sending.")),
        Length(max=MAX_BODY, message=_l("A message can be at most %(max)d characters."))])
    reply_to = IntegerField(_l("In reply to"), validators=[Optional()])
    # The neutral's choice of private session; a party's own side is used whatever this says.
    side = HiddenField()
    attachment = FileField(_l("Attach a file (optional)"))


class ConciliationForm(PageForm):
    reason = TextAreaField(_l("Why a conciliator would help (optional)"), validators=[
        Length(max=MAX_REASON, message=_l("Keep the reason under %(max)d characters."))])


class AppointForm(FlaskForm):
    neutral_id = SelectField(_l("Neutral to appoint"), coerce=int, validate_choice=True)


def parse_rupees(text: str | None) -> Decimal:
    """An offer's or a bid's amount, by the product's one money parser."""
    try:
        return money.parse_amount(text or "", minimum=money.PAISA)
    except money.MoneyInvalid as exc:
        raise ValidationError(str(exc)) from None


class Rupees(StringField):
    """A rupee amount; `.amount` holds the parsed Decimal once validated."""

    amount: Decimal | None = None

    def pre_validate(self, form) -> None:
        self.amount = None
        if (self.data or "").strip():
            self.amount = parse_rupees(self.data)


class OfferForm(PageForm):
    kind = RadioField(_l("How it is paid"), default="lump_sum", choices=choices(
        [("lump_sum", _l("In one payment")), ("instalments", _l("In monthly instalments"))]),
        validators=[InputRequired(_l("Choose how it is paid."))])
    total = Rupees(_l("Total (₹)"), validators=[InputRequired(_l("Give the total."))])
    pay_by = DateField(_l("Paid by (one payment)"), validators=[Optional()])
    instalments = IntegerField(_l("Number of instalments"), validators=[
        Optional(), NumberRange(2, MAX_INSTALMENTS, _l("Choose between %(min)s and %(max)s instalments."))])
    first_due = DateField(_l("First instalment on"), validators=[Optional()])
    valid_days = IntegerField(_l("Open for (days)"), validators=[
        Optional(), NumberRange(1, 90, _l("Keep an offer open for 1 to 90 days, or leave it blank."))])
    note = TextAreaField(_l("Note to the other side (optional)"), validators=[Optional(), Length(max=2000)])

    def terms(self, today: date) -> SettlementTerms | None:
        """The terms described, or None with the reason put on the field it concerns."""
        try:
            if self.kind.data == "instalments":
                missing = [f for f in (self.instalments, self.first_due) if f.data is None]
                for f in missing:
                    f.errors = [*f.errors, gettext("Needed for instalments.")]
                if missing:
                    return None
                return SettlementTerms.equal_instalments(self.total.amount, self.instalments.data,
                                                         self.first_due.data, today=today)
            if self.pay_by.data is None:
                self.pay_by.errors = [*self.pay_by.errors, gettext("Give the date of the payment.")]
                return None
            return SettlementTerms.lump_sum(self.total.amount, self.pay_by.data, today=today)
        except TermsError as exc:
            self.form_errors.append(str(exc))
            return None

    def valid_until(self, today: date) -> datetime | None:
        """The end of the last day open, in India."""
        if self.valid_days.data is None:
            return None
        return datetime.combine(today + timedelta(days=self.valid_days.data), time(23, 59, 59), IST)


class BiddingProposalForm(PageForm):
    rounds = IntegerField(_l("Number of rounds"), default=3, validators=[
        InputRequired(_l("Give the number of rounds.")),
        NumberRange(1, 10, _l("Agree between 1 and 10 rounds."))])
    gap_kind = RadioField(_l("The figures settle when they come within"), default="percent", choices=choices(
        [("percent", _l("a percentage of the creditor's figure")), ("amount", _l("a fixed amount"))]),
        validators=[InputRequired(_l("Choose the kind of gap."))])
    gap_value = StringField(_l("Gap (₹ or %; 0 means the figures must cross)"), default="0",
                            validators=[InputRequired(_l("Give the gap, or 0."))])
    pay_within_days = IntegerField(_l("Days to pay a settled figure"), default=15, validators=[
        InputRequired(_l("Give the days to pay.")), NumberRange(1, 90, _l("Allow between 1 and 90 days."))])

    gap: Decimal = Decimal("0")

    def validate_gap_value(self, field) -> None:
        text = (field.data or "").replace(",", "").replace("%", "").replace("₹", "").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(gettext("Enter the gap as a number, e.g. 5 or 2000.")) from None
        if not value.is_finite() or value < 0:
            raise ValidationError(gettext("Enter the gap as a number, 0 or more."))
        if self.gap_kind.data == "percent" and value > 50:
            raise ValidationError(gettext("The gap must be between %(least)s%% and %(most)s%% of the "
                                          "creditor's figure.", least=0, most=50))
        if value > Decimal("999999999999.99"):
            raise ValidationError(gettext("That gap is too large."))
        self.gap = value


class BidForm(PageForm):
    amount = Rupees(_l("Your figure for this round (₹)"), validators=[InputRequired(_l("Give your figure."))])
