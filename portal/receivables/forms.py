"""Collections forms (CSRF-protected). Amounts are taken as text: the services say what is wrong."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.formfields import choices
from portal.i18n import lazy_gettext as _l
from portal.receivables.calls import OUTCOMES
from portal.receivables.models import Channel, Language, Mode
from portal.web.forms import IntegerField, PageForm  # IntegerField: not WTForms' own, see its docstring


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LevelForm(FlaskForm):
    offset_days = IntegerField("Days from the due date (negative: before it)",
                               validators=[InputRequired("Give the day."), NumberRange(-30, 365)])
    channels = SelectMultipleField("Channels",
                                   choices=choices((c.value, c.value.capitalize()) for c in Channel),
                                   option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    include_interest = BooleanField("State the MSMED interest accrued so far")
    call_task = BooleanField("Add a call to the work queue after this reminder")
    call_user_id = SelectField("Who makes the call", validators=[Optional()])
    subject_en = StringField("Subject (English)", filters=[_strip],
                             validators=[InputRequired(), Length(max=200)])
    body_en = TextAreaField("Message (English)", validators=[InputRequired(), Length(max=5000)])
    subject_hi = StringField("Subject (Hindi)", filters=[_strip],
                             validators=[InputRequired(), Length(max=200)])
    body_hi = TextAreaField("Message (Hindi)", validators=[InputRequired(), Length(max=5000)])


class DebtorSettingForm(FlaskForm):
    mode = SelectField("Reminders", choices=choices([(Mode.AUTOMATIC.value, "Automatic"),
                                                     (Mode.MANUAL.value, "Manual: none sent automatically")]))
    paused_until = DateField("Paused until (optional)", validators=[Optional()])
    language = SelectField("Language", choices=choices([(Language.ENGLISH.value, "English"),
                                                        (Language.HINDI.value, "हिन्दी (Hindi)")]))
    preferred_channel = SelectField("Preferred channel", choices=choices([("", "No preference")] + [
        (c.value, c.value.capitalize()) for c in Channel]), validators=[Optional()])


class PromiseForm(FlaskForm):
    invoice_id = SelectField("Invoice", coerce=int, validators=[InputRequired("Choose the invoice.")])
    amount = StringField("Amount promised (₹)", filters=[_strip],
                         validators=[InputRequired("Give the amount."), Length(max=20)])
    promised_for = DateField("Promised by", validators=[InputRequired("Give the date.")])
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])


class CodeRequestForm(PageForm):
    destination = SelectField(_l("Send the code to"), coerce=int, validators=[InputRequired()])


class CodeForm(PageForm):
    code = StringField(_l("The 6-digit code"), filters=[_strip],
                       validators=[InputRequired(_l("Enter the code.")), Length(min=6, max=6)])


class DisputeForm(PageForm):
    text = TextAreaField(_l("What is wrong with this invoice?"), filters=[_strip],
                         validators=[InputRequired(_l("Tell the creditor what is wrong.")), Length(max=2000)])


class DebtorPromiseForm(PageForm):
    amount = StringField(_l("Amount you will pay (₹)"), filters=[_strip],
                         validators=[InputRequired(_l("Give the amount.")), Length(max=20)])
    promised_for = DateField(_l("You will pay by"), validators=[InputRequired(_l("Give the date."))])


class PaidForm(PageForm):
    amount = StringField(_l("Amount you paid (₹)"), filters=[_strip],
                         validators=[InputRequired(_l("Give the amount you paid.")), Length(max=20)])
    utr = StringField(_l("UPI or bank transaction reference (UTR)"), filters=[_strip],
                      validators=[InputRequired(_l("Give the UTR of the payment.")), Length(max=40)])
    paid_on = DateField(_l("Date you paid"), validators=[InputRequired(_l("Give the date you paid."))])


class AllocateForm(FlaskForm):
    owner_id = SelectField("Staff member who follows this debtor up", validators=[Optional()])


class PriorityForm(FlaskForm):
    value = IntegerField("Your own priority (0-1000; leave empty to use the computed score)",
                         validators=[Optional(), NumberRange(0, 1000)])
    reason = StringField("Why", filters=[_strip], validators=[Optional(), Length(max=500)])


class AnswerForm(FlaskForm):
    answer = TextAreaField("Your answer to the debtor's dispute", filters=[_strip],
                           validators=[InputRequired("Write the answer you gave the debtor."),
                                       Length(max=2000)])


class BooksForm(FlaskForm):
    source = SelectField("Where the file comes from", choices=choices([
        ("tally", "Tally: Bills Receivable, exported as XML"),
        ("zoho", "Zoho Books: Invoices, exported as CSV"),
        ("erpnext", "ERPNext: Sales Invoice report, exported as CSV")]))
    file = FileField("The exported file", validators=[FileRequired("Choose the file to upload.")])


class CallForm(FlaskForm):
    """What came of one call; one per call on the Today page (each with its own prefix)."""

    outcome = RadioField("What came of the call",
                         choices=choices((o.value, label) for o, label in OUTCOMES.items()),
                         validators=[InputRequired("Choose what came of the call.")])
    note = TextAreaField("Note (optional)", filters=[_strip], validators=[Optional(), Length(max=2000)])
