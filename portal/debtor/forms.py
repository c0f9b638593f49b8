"""The debtor's answer forms (CSRF-protected by Flask-WTF). They check shape; the rules (which
invoices, what amounts, which call-back hours) are the services' (portal.debtor.responses)."""
from __future__ import annotations

from flask_wtf import FlaskForm
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

from evidence import DocumentKind
from portal.debtor import plans
from portal.debtor.models import REASON_LABELS
from portal.debtor.responses import MAX_NOTE, MAX_TEXT
from portal.formfields import choices, strong_password
from portal.money import PAISA
from portal.web.forms import IntegerField, MoneyField

REASON = RadioField("Why do you dispute it?", choices=choices(
    (r.value, label) for r, label in REASON_LABELS.items()),
    validators=[InputRequired("Choose why you dispute the claim.")])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class InvoiceChoices(SelectMultipleField):
    """Checkboxes, one per invoice of the claim (set `choices` from the case in the view)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def invoice_label(inv, due) -> str:
    from portal.web.filters import inr

    amount = f"{inr(due.total_due)} due today" if due is not None else f"{inr(inv.total)} invoiced"
    return f"Invoice {inv.number} of {inv.invoice_date:%d %b %Y}: {amount}"


class DisputeForm(FlaskForm):
    reason = REASON
    explanation = TextAreaField("Explain", filters=[_strip], validators=[
        InputRequired("Explain why you dispute the claim."), Length(max=MAX_TEXT)])
    invoices = InvoiceChoices("Which invoices do you dispute?", coerce=int)
    files = MultipleFileField("Your documents (optional)")
    file_kind = SelectField("What are these documents?", default=DocumentKind.CORRESPONDENCE.value,
                            choices=choices((k.value, k.value.replace("_", " ").capitalize())
                                            for k in DocumentKind))


class AdmitPartForm(FlaskForm):
    admitted = InvoiceChoices("Which invoices do you accept and will pay now?", coerce=int)
    reason = RadioField("Why do you dispute the other invoices?", choices=choices(
        (r.value, label) for r, label in REASON_LABELS.items()),
        validators=[InputRequired("Choose why you dispute the other invoices.")])
    explanation = TextAreaField("Explain", filters=[_strip], validators=[
        InputRequired("Explain why you dispute the other invoices."), Length(max=MAX_TEXT)])


class PlanForm(FlaskForm):
    count = IntegerField("Number of instalments", default=3, validators=[
        InputRequired("Give the number of instalments."),
        NumberRange(plans.MIN_INSTALMENTS, plans.MAX_INSTALMENTS,
                    f"Choose between {plans.MIN_INSTALMENTS} and {plans.MAX_INSTALMENTS} instalments.")])
    frequency = RadioField("How often", default=plans.Frequency.MONTHLY.value, choices=choices(
        [(plans.Frequency.MONTHLY.value, "Every month"), (plans.Frequency.WEEKLY.value, "Every week")]),
        validators=[InputRequired("Choose how often you will pay.")])
    first_due = DateField("First instalment due on", validators=[
        InputRequired("Give the date of the first instalment.")])
    down_payment = MoneyField("Down payment today (optional, ₹)", minimum=PAISA, validators=[Optional()])
    note = TextAreaField("A note to the creditor (optional)", filters=[_strip],
                         validators=[Length(max=MAX_NOTE)])


class CallbackForm(FlaskForm):
    day = DateField("Day", validators=[InputRequired("Choose the day for the call.")])
    slot = SelectField("Time (IST)", validators=[InputRequired("Choose a time for the call.")])
    phone = StringField("Phone number to call", filters=[_strip], validators=[
        InputRequired("Give the number to call."), Length(max=30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    note = TextAreaField("What would you like to talk about? (optional)", filters=[_strip],
                         validators=[Length(max=MAX_NOTE)])


class AccountForm(FlaskForm):
    name = StringField("Your name", filters=[_strip], validators=[
        InputRequired("Give your name."), Length(max=120)])
    email = EmailField("E-mail", filters=[_strip], validators=[
        InputRequired("Give your e-mail address."), Email(message="Enter a valid e-mail address."),
        Length(max=254)])
    code = StringField("Code we sent to that e-mail", filters=[_strip], validators=[Length(max=12)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    password = PasswordField("Password", validators=[InputRequired(), strong_password])
    confirm = PasswordField("Repeat the password", validators=[
        InputRequired(), EqualTo("password", "The passwords differ.")])
