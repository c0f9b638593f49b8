"""Small forms on the case page: a payment received, an acknowledgement, a time-bar justification."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.cases.forms import method_choices
from portal.cases.models import Case
from portal.formatting import day
from portal.formfields import choices
from portal.i18n import gettext, language
from portal.i18n import lazy_gettext as _l
from portal.money import PAISA
from portal.web.filters import inr
from portal.web.forms import MoneyField


def _invoice_choices(case: Case, blank: str | None) -> list:
    pairs = ([("", blank)] if blank else []) + [(str(i.id), i.number) for i in case.invoices]
    return choices(pairs)


class PaymentForm(FlaskForm):
    amount = MoneyField(_l("Amount received (₹)"), minimum=PAISA,
                        validators=[InputRequired(_l("Give the amount received."))])
    paid_on = DateField(_l("Received on"), validators=[InputRequired(_l("Give the date it was received."))])
    method = SelectField(_l("How"), choices=method_choices(upper=True))
    reference = StringField(_l("UTR / cheque no."), validators=[Optional(), Length(max=60)])
    invoice_id = SelectField(_l("Against invoice"), validators=[Optional()])

    def for_case(self, case: Case) -> PaymentForm:
        self.invoice_id.choices = _invoice_choices(case, _l("Not against a particular invoice"))
        return self


class AcknowledgementForm(FlaskForm):
    acknowledged_on = DateField(_l("Date of the signed acknowledgement"),
                                validators=[InputRequired(_l("Give the date of the acknowledgement."))])
    description = TextAreaField(_l("What the debtor acknowledged, and how (letter, e-mail, ledger)"),
                                validators=[InputRequired(_l("Describe the acknowledgement.")),
                                            Length(max=2000)])
    invoice_id = SelectField(_l("Invoice"), validators=[Optional()])

    def for_case(self, case: Case) -> AcknowledgementForm:
        self.invoice_id.choices = _invoice_choices(case, _l("The whole debt"))
        return self


def _payment_label(p) -> str:
    lang = language()
    if p.reference:
        return gettext("%(amount)s on %(date)s (%(reference)s)", amount=inr(p.amount),
                       date=day(p.paid_on, lang, "%d %b %Y"), reference=p.reference)
    return gettext("%(amount)s on %(date)s", amount=inr(p.amount), date=day(p.paid_on, lang, "%d %b %Y"))


class PaymentAcknowledgementForm(FlaskForm):
    payment_id = SelectField(_l("Payment"), validators=[InputRequired(_l("Choose the payment."))])
    document = TextAreaField(_l("The payer's written acknowledgement of it (who signed, date, what it "
                                "says)"), validators=[InputRequired(_l("Describe the document.")),
                                                      Length(max=500)])

    def for_case(self, case: Case) -> PaymentAcknowledgementForm:
        self.payment_id.choices = choices(
            (str(p.id), _payment_label(p)) for p in case.payments if not p.payer_acknowledgement)
        return self


class JustificationForm(FlaskForm):
    invoice_id = SelectField(_l("Time-barred invoice"), validators=[InputRequired()])
    justification = TextAreaField(_l("Why it may still be claimed"),
                                  validators=[InputRequired(_l("Give the justification.")),
                                              Length(max=4000)])

    def for_case(self, case: Case) -> JustificationForm:
        self.invoice_id.choices = _invoice_choices(case, None)
        return self
