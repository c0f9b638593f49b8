"""Small forms on the case page: a payment received, an acknowledgement, a time-bar justification."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.cases.models import Case, PaymentMethod
from portal.formfields import choices
from portal.money import PAISA
from portal.web.filters import inr
from portal.web.forms import MoneyField


def _invoice_choices(case: Case, blank: str | None) -> list:
    pairs = ([("", blank)] if blank else []) + [(str(i.id), i.number) for i in case.invoices]
    return choices(pairs)


class PaymentForm(FlaskForm):
    amount = MoneyField("Amount received (₹)", minimum=PAISA,
                        validators=[InputRequired("Give the amount received.")])
    paid_on = DateField("Received on", validators=[InputRequired("Give the date it was received.")])
    method = SelectField("How", choices=choices((m.value, m.value.upper()) for m in PaymentMethod))
    reference = StringField("UTR / cheque no.", validators=[Optional(), Length(max=60)])
    invoice_id = SelectField("Against invoice", validators=[Optional()])

    def for_case(self, case: Case) -> PaymentForm:
        self.invoice_id.choices = _invoice_choices(case, "Not against a particular invoice")
        return self


class AcknowledgementForm(FlaskForm):
    acknowledged_on = DateField("Date of the signed acknowledgement",
                                validators=[InputRequired("Give the date of the acknowledgement.")])
    description = TextAreaField("What the debtor acknowledged, and how (letter, e-mail, ledger)",
                                validators=[InputRequired("Describe the acknowledgement."),
                                            Length(max=2000)])
    invoice_id = SelectField("Invoice", validators=[Optional()])

    def for_case(self, case: Case) -> AcknowledgementForm:
        self.invoice_id.choices = _invoice_choices(case, "The whole debt")
        return self


class PaymentAcknowledgementForm(FlaskForm):
    payment_id = SelectField("Payment", validators=[InputRequired("Choose the payment.")])
    document = TextAreaField("The payer's written acknowledgement of it (who signed, date, what it "
                             "says)", validators=[InputRequired("Describe the document."),
                                                  Length(max=500)])

    def for_case(self, case: Case) -> PaymentAcknowledgementForm:
        self.payment_id.choices = choices(
            (str(p.id), f"{inr(p.amount)} on {p.paid_on:%d %b %Y}"
                        f"{f' ({p.reference})' if p.reference else ''}")
            for p in case.payments if not p.payer_acknowledgement)
        return self


class JustificationForm(FlaskForm):
    invoice_id = SelectField("Time-barred invoice", validators=[InputRequired()])
    justification = TextAreaField("Why it may still be claimed",
                                  validators=[InputRequired("Give the justification."),
                                              Length(max=4000)])

    def for_case(self, case: Case) -> JustificationForm:
        self.invoice_id.choices = _invoice_choices(case, None)
        return self
