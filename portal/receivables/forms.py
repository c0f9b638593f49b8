"""Collections forms (CSRF-protected). Amounts are taken as text: the services say what is wrong."""
from __future__ import annotations

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


# The channels' and the call outcomes' words on the staff pages, in the page's language (the English
# as they read before: `Channel.value.capitalize()`, calls.OUTCOMES).
_CHANNEL_WORDS = {Channel.EMAIL: _l("Email"), Channel.SMS: _l("Sms"), Channel.WHATSAPP: _l("Whatsapp")}
OUTCOME_WORDS = {outcome: _l(words) for outcome, words in OUTCOMES.items()}


class LevelForm(PageForm):
    offset_days = IntegerField(_l("Days from the due date (negative: before it)"),
                               validators=[InputRequired(_l("Give the day.")), NumberRange(-30, 365)])
    channels = SelectMultipleField(_l("Channels"),
                                   choices=choices((c.value, _CHANNEL_WORDS[c]) for c in Channel),
                                   option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    include_interest = BooleanField(_l("State the MSMED interest accrued so far"))
    call_task = BooleanField(_l("Add a call to the work queue after this reminder"))
    call_user_id = SelectField(_l("Who makes the call"), validators=[Optional()])
    subject_en = StringField(_l("Subject (English)"), filters=[_strip],
                             validators=[InputRequired(), Length(max=200)])
    body_en = TextAreaField(_l("Message (English)"), validators=[InputRequired(), Length(max=5000)])
    subject_hi = StringField(_l("Subject (Hindi)"), filters=[_strip],
                             validators=[InputRequired(), Length(max=200)])
    body_hi = TextAreaField(_l("Message (Hindi)"), validators=[InputRequired(), Length(max=5000)])


class DebtorSettingForm(PageForm):
    mode = SelectField(_l("Reminders"), choices=choices([
        (Mode.AUTOMATIC.value, _l("Automatic")), (Mode.MANUAL.value, _l("Manual: none sent automatically"))]))
    paused_until = DateField(_l("Paused until (optional)"), validators=[Optional()])
    # The languages by their own names, as a language switch names them.
    language = SelectField(_l("Language"), choices=choices([(Language.ENGLISH.value, "English"),
                                                            (Language.HINDI.value, "हिन्दी (Hindi)")]))
    preferred_channel = SelectField(_l("Preferred channel"), choices=choices([("", _l("No preference"))] + [
        (c.value, _CHANNEL_WORDS[c]) for c in Channel]), validators=[Optional()])


class PromiseForm(PageForm):
    invoice_id = SelectField(_l("Invoice"), coerce=int, validators=[InputRequired(_l("Choose the invoice."))])
    amount = StringField(_l("Amount promised (₹)"), filters=[_strip],
                         validators=[InputRequired(_l("Give the amount.")), Length(max=20)])
    promised_for = DateField(_l("Promised by"), validators=[InputRequired(_l("Give the date."))])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


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


class AllocateForm(PageForm):
    owner_id = SelectField(_l("Staff member who follows this debtor up"), validators=[Optional()])


class PriorityForm(PageForm):
    value = IntegerField(_l("Your own priority (0-1000; leave empty to use the computed score)"),
                         validators=[Optional(), NumberRange(0, 1000)])
    reason = StringField(_l("Why"), filters=[_strip], validators=[Optional(), Length(max=500)])


class AnswerForm(PageForm):
    answer = TextAreaField(_l("Your answer to the debtor's dispute"), filters=[_strip],
                           validators=[InputRequired(_l("Write the answer you gave the debtor.")),
                                       Length(max=2000)])


class BooksForm(PageForm):
    source = SelectField(_l("Where the file comes from"), choices=choices([
        ("tally", _l("Tally: Bills Receivable, exported as XML")),
        ("zoho", _l("Zoho Books: Invoices, exported as CSV")),
        ("erpnext", _l("ERPNext: Sales Invoice report, exported as CSV"))]))
    file = FileField(_l("The exported file"), validators=[FileRequired(_l("Choose the file to upload."))])


class CallForm(PageForm):
    """What came of one call; one per call on the Today page (each with its own prefix)."""

    outcome = RadioField(_l("What came of the call"),
                         choices=choices((o.value, label) for o, label in OUTCOME_WORDS.items()),
                         validators=[InputRequired(_l("Choose what came of the call."))])
    note = TextAreaField(_l("Note (optional)"), filters=[_strip], validators=[Optional(), Length(max=2000)])
