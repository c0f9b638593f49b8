"""The debtor's answer forms (CSRF-protected by Flask-WTF). They check shape; the rules (which
invoices, what amounts, which call-back hours) are the services' (portal.debtor.responses)."""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from evidence import KIND_WORDS, DocumentKind
from portal.debtor import plans
from portal.debtor.models import DisputeReason
from portal.debtor.responses import MAX_NOTE, MAX_TEXT
from portal.formfields import choices, strong_password
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.money import PAISA
from portal.web.forms import IntegerField, MoneyField, PageForm

# The reasons as the debtor reads them, in the page's language (portal.debtor.models.REASON_LABELS
# keeps the English that records and the creditor's pages show).
REASONS = [(DisputeReason.GOODS_NOT_RECEIVED.value, _l("Goods or services not received")),
           (DisputeReason.QUALITY.value, _l("Quality of the goods or services")),
           (DisputeReason.AMOUNT_WRONG.value, _l("The amount is wrong")),
           (DisputeReason.ALREADY_PAID.value, _l("Already paid")),
           (DisputeReason.NOT_MY_DEBT.value, _l("Not my debt")),
           (DisputeReason.OTHER.value, _l("Another reason"))]
REASON = RadioField(_l("Why do you dispute it?"), choices=choices(REASONS),
                    validators=[InputRequired(_l("Choose why you dispute the claim."))])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class InvoiceChoices(SelectMultipleField):
    """Checkboxes, one per invoice of the claim (set `choices` from the case in the view)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def invoice_label(inv, due) -> str:
    from portal.formatting import day
    from portal.i18n import language
    from portal.web.filters import inr

    dated = day(inv.invoice_date, language())
    if due is not None:
        return gettext("Invoice %(number)s of %(date)s: %(amount)s due today", number=inv.number, date=dated,
                       amount=inr(due.total_due))
    return gettext("Invoice %(number)s of %(date)s: %(amount)s invoiced", number=inv.number, date=dated,
                   amount=inr(inv.total))


class DisputeForm(PageForm):
    reason = REASON
    explanation = TextAreaField(_l("Explain"), filters=[_strip], validators=[
        InputRequired(_l("Explain why you dispute the claim.")), Length(max=MAX_TEXT)])
    invoices = InvoiceChoices(_l("Which invoices do you dispute?"), coerce=int)
    files = MultipleFileField(_l("Your documents (optional)"))
    file_kind = SelectField(_l("What are these documents?"), default=DocumentKind.CORRESPONDENCE.value,
                            choices=choices(KIND_WORDS))


class AdmitPartForm(PageForm):
    admitted = InvoiceChoices(_l("Which invoices do you accept and will pay now?"), coerce=int)
    reason = RadioField(_l("Why do you dispute the other invoices?"), choices=choices(REASONS),
                        validators=[InputRequired(_l("Choose why you dispute the other invoices."))])
    explanation = TextAreaField(_l("Explain"), filters=[_strip], validators=[
        InputRequired(_l("Explain why you dispute the other invoices.")), Length(max=MAX_TEXT)])


class PlanForm(PageForm):
    count = IntegerField(_l("Number of instalments"), default=3, validators=[
        InputRequired(_l("Give the number of instalments.")),
        NumberRange(plans.MIN_INSTALMENTS, plans.MAX_INSTALMENTS,
                    _l("Choose between %(min)s and %(max)s instalments."))])
    frequency = RadioField(_l("How often"), default=plans.Frequency.MONTHLY.value, choices=choices(
        [(plans.Frequency.MONTHLY.value, _l("Every month")),
         (plans.Frequency.WEEKLY.value, _l("Every week"))]),
        validators=[InputRequired(_l("Choose how often you will pay."))])
    first_due = DateField(_l("First instalment due on"), validators=[
        InputRequired(_l("Give the date of the first instalment."))])
    down_payment = MoneyField(_l("Down payment today (optional, ₹)"), minimum=PAISA, validators=[Optional()],
                              what=_l("The down payment"))
    note = TextAreaField(_l("A note to the creditor (optional)"), filters=[_strip],
                         validators=[Length(max=MAX_NOTE)])


class CallbackForm(PageForm):
    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose the day for the call."))])
    slot = SelectField(_l("Time (IST)"), validators=[InputRequired(_l("Choose a time for the call."))])
    phone = StringField(_l("Phone number to call"), filters=[_strip], validators=[
        InputRequired(_l("Give the number to call.")), Length(max=30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    note = TextAreaField(_l("What would you like to talk about? (optional)"), filters=[_strip],
                         validators=[Length(max=MAX_NOTE)])


class AccountForm(PageForm):
    name = StringField(_l("Your name"), filters=[_strip], validators=[
        InputRequired(_l("Give your name.")), Length(max=120)])
    email = EmailField(_l("E-mail"), filters=[_strip], validators=[
        InputRequired(_l("Give your e-mail address.")), Email(message=_l("Enter a valid e-mail address.")),
        Length(max=254)])
    code = StringField(_l("Code we sent to that e-mail"), filters=[_strip], validators=[Length(max=12)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    password = PasswordField(_l("Password"), validators=[InputRequired(), strong_password])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        InputRequired(), EqualTo("password", _l("The passwords differ."))])
