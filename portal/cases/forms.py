"""The guided claim form: debtor, invoices, part payments, MSME status and agreement."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portal.cases.assignment_forms import AdvocateField
from portal.cases.facts import CaseFacts, DebtorFacts, InvoiceFacts, PaymentFacts
from portal.cases.interest import PartMonth, RateBasis, Rounding
from portal.cases.models import BuyerRelationship, ClaimType, PaymentMethod
from portal.formfields import Normalized, choices
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.identifiers import InvalidIdentifier, normalize_gstin, normalize_mobile, normalize_pan
from portal.web.forms import IntegerField, MoneyField

MONEY = [Optional()]

# How a payment came in, as a person reads it (the acronyms read the same in every language).
METHOD_WORDS = {PaymentMethod.CHEQUE: _l("Cheque"), PaymentMethod.CASH: _l("Cash"),
                PaymentMethod.OTHER: _l("Other")}


class _Capitals:
    """A lazy label shown in capitals ("CHEQUE"), in the language of the page that shows it."""

    def __init__(self, text) -> None:
        self.text = text

    def __str__(self) -> str:
        return str(self.text).upper()


def method_choices(*, upper: bool = False) -> list:
    """The payment methods for a select: UPI, NEFT, RTGS, IMPS, then Cheque, Cash, Other (in capitals
    with `upper`)."""
    def word(m: PaymentMethod):
        if m not in METHOD_WORDS:
            return m.value.upper()
        return _Capitals(METHOD_WORDS[m]) if upper else METHOD_WORDS[m]

    return choices((m.value, word(m)) for m in PaymentMethod)


def _lines(raw: str | None) -> list[str]:
    return [p.strip() for p in (raw or "").replace(",", "\n").splitlines() if p.strip()]


class InvoiceRow(Form):
    number = StringField(_l("Invoice number"), validators=[Optional(), Length(max=60)])
    invoice_date = DateField(_l("Invoice date"), validators=[Optional()])
    acceptance_date = DateField(_l("Delivery / acceptance date"), validators=[Optional()])
    credit_days = IntegerField(_l("Agreed credit (days)"), validators=[Optional(), NumberRange(0, 365)])
    due_date = DateField(_l("Due date (if stated)"), validators=[Optional()])
    taxable_value = MoneyField(_l("Taxable value (₹)"), validators=MONEY)
    gst_amount = MoneyField("GST (₹)", validators=MONEY)
    total = MoneyField(_l("Invoice total (₹)"), validators=MONEY)
    objection_raised_on = DateField(_l("Written objection raised on"), validators=[Optional()])
    objection_removed_on = DateField(_l("Objection removed on"), validators=[Optional()])

    def is_blank(self) -> bool:
        return not any(f.data not in (None, "") for f in self)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Optional() stops the per-field chain, so "required once the row is used" lives here.
        return _require_when_used(self, {"number": gettext("Give the invoice number."),
                                         "invoice_date": gettext("Give the invoice date."),
                                         "taxable_value": gettext("Give the taxable value.")}) and ok


class PaymentRow(Form):
    amount = MoneyField(_l("Amount received (₹)"), validators=MONEY)
    paid_on = DateField(_l("Received on"), validators=[Optional()])
    method = SelectField(_l("How"), choices=method_choices(), default=PaymentMethod.NEFT.value)
    reference = StringField(_l("UTR / cheque no."), validators=[Optional(), Length(max=60)])
    invoice_number = StringField(_l("Against invoice (optional)"), validators=[Optional(), Length(max=60)])

    def is_blank(self) -> bool:
        return self.amount.data in (None, "") and self.paid_on.data is None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return _require_when_used(self, {
            "amount": gettext("Give the amount received."),
            "paid_on": gettext("Give the date the payment was received.")}) and ok


def _require_when_used(row, required: dict[str, str]) -> bool:
    if row.is_blank():
        return True
    ok = True
    for name, message in required.items():
        f = getattr(row, name)
        if f.data in (None, "") and not f.errors:
            f.errors = [*f.errors, message]
            ok = False
    return ok


class CaseForm(FlaskForm):
    legal_name = StringField(_l("Debtor's legal name"), validators=[InputRequired(), Length(max=200)])
    gstin = StringField(_l("Debtor's GSTIN"), validators=[Normalized(normalize_gstin)])
    pan = StringField(_l("Debtor's PAN"), validators=[Normalized(normalize_pan)])
    postal_address = TextAreaField(_l("Debtor's postal address"), validators=[Length(max=1000)])
    emails = TextAreaField(_l("Debtor's e-mail addresses (one per line)"), validators=[Length(max=2000)])
    mobiles = TextAreaField(_l("Debtor's mobile numbers (one per line)"), validators=[Length(max=500)])
    claim_type = RadioField(_l("Type of claim"), default=ClaimType.COMMERCIAL_INVOICE.value, choices=choices([
        (ClaimType.MSMED_INVOICE.value,
         _l("Unpaid invoices under the MSMED Act (Udyam-registered micro or small supplier)")),
        (ClaimType.COMMERCIAL_INVOICE.value, _l("Unpaid invoices (general commercial claim)"))]))
    buyer_relationship = SelectField(_l("The buyer is"), default=BuyerRelationship.TRADE_BUYER.value,
                                     choices=choices([
                                         (BuyerRelationship.TRADE_BUYER.value, _l("Trade buyer")),
                                         (BuyerRelationship.GOVERNMENT_BUYER.value, _l("Government buyer")),
                                         (BuyerRelationship.RELATED_PARTY.value, _l("Related party")),
                                         (BuyerRelationship.OTHER.value, _l("Other"))]))
    has_written_agreement = BooleanField(_l("There is a written agreement or purchase order"))
    agreement_date = DateField(_l("Agreement / PO date"), validators=[Optional()])
    agreed_credit_days = IntegerField(_l("Agreed credit period (days)"),
                                      validators=[Optional(), NumberRange(0, 365)])
    has_arbitration_clause = BooleanField(_l("The agreement has an arbitration clause"))
    stated_interest_rate = DecimalField(_l("Interest rate claimed (% a year, non-MSMED claims)"), places=2,
                                        validators=[Optional(), NumberRange(0, 36)])
    rate_basis = SelectField(_l("Bank Rate used for MSMED interest"), default=RateBasis.FLOATING.value,
                             choices=choices([
                                 (RateBasis.FLOATING.value, _l("Floating: the rate in force each month")),
                                 (RateBasis.FROZEN.value, _l("Frozen: the rate on the due date")),
                                 (RateBasis.FROZEN_FIRST_DAY.value,
                                  _l("Frozen: the rate on the first day of interest"))]))
    part_month = SelectField(_l("An incomplete month"), default=PartMonth.PRO_RATA_DAYS.value,
                             choices=choices([(PartMonth.PRO_RATA_DAYS.value,
                                               _l("Pro rata by the actual days of that month")),
                                              (PartMonth.THIRTY_DAY.value,
                                               _l("Pro rata by a 30-day month")),
                                              (PartMonth.IGNORE.value, _l("Charge complete months only"))]))
    rounding = SelectField(_l("Rounding to the paisa"), default=Rounding.EACH_REST.value,
                           choices=choices([(Rounding.EACH_REST.value, _l("At each monthly rest")),
                                            (Rounding.AT_END.value, _l("Once, at the end"))]))
    summary = TextAreaField(_l("What happened (short)"), validators=[Length(max=4000)])
    invoices = FieldList(FormField(InvoiceRow), min_entries=3, max_entries=200)
    payments = FieldList(FormField(PaymentRow), min_entries=1, max_entries=200)

    def validate_emails(self, field):
        from email_validator import EmailNotValidError, validate_email

        for addr in _lines(field.data):
            try:
                validate_email(addr, check_deliverability=False)
            except EmailNotValidError as exc:
                raise ValidationError(gettext("“%(address)s” is not a valid e-mail address.",
                                              address=addr)) from exc

    def validate_mobiles(self, field):
        for number in _lines(field.data):
            try:
                normalize_mobile(number)
            except InvalidIdentifier as exc:
                raise ValidationError(f"“{number}”: {exc}") from exc

    def validate_pan(self, field):
        if field.data and self.gstin.data and self.gstin.data[2:12] != field.data:
            raise ValidationError(gettext("This PAN does not match the PAN inside the GSTIN."))

    def invoice_entries(self) -> list[InvoiceRow]:
        return [e.form for e in self.invoices.entries if not e.form.is_blank()]

    def payment_entries(self) -> list[PaymentRow]:
        return [e.form for e in self.payments.entries if not e.form.is_blank()]

    def to_facts(self) -> CaseFacts:
        debtor = DebtorFacts(legal_name=self.legal_name.data.strip(),
                             postal_address=(self.postal_address.data or "").strip(),
                             gstin=self.gstin.data, pan=self.pan.data,
                             emails=[e.lower() for e in _lines(self.emails.data)],
                             mobiles=[normalize_mobile(m) for m in _lines(self.mobiles.data)])
        invoices = [InvoiceFacts(
            number=r.number.data.strip(), invoice_date=r.invoice_date.data,
            taxable_value=r.taxable_value.data, gst_amount=r.gst_amount.data or Decimal("0"),
            total=r.total.data, acceptance_date=r.acceptance_date.data, credit_days=r.credit_days.data,
            due_date=r.due_date.data, objection_raised_on=r.objection_raised_on.data,
            objection_removed_on=r.objection_removed_on.data) for r in self.invoice_entries()]
        payments = [PaymentFacts(amount=r.amount.data, paid_on=r.paid_on.data,
                                 method=PaymentMethod(r.method.data), reference=r.reference.data or "",
                                 invoice_number=(r.invoice_number.data or "").strip() or None)
                    for r in self.payment_entries()]
        return CaseFacts(
            debtor=debtor, invoices=invoices, payments=payments,
            claim_type=ClaimType(self.claim_type.data),
            buyer_relationship=BuyerRelationship(self.buyer_relationship.data),
            has_written_agreement=self.has_written_agreement.data,
            agreement_date=self.agreement_date.data, agreed_credit_days=self.agreed_credit_days.data,
            has_arbitration_clause=self.has_arbitration_clause.data,
            stated_interest_rate=self.stated_interest_rate.data,
            rate_basis=RateBasis(self.rate_basis.data), part_month=PartMonth(self.part_month.data),
            rounding=Rounding(self.rounding.data),
            summary=self.summary.data or "")

    def apply_errors(self, errors: dict[str, list[str]]) -> None:
        """Put service-level errors (paths like invoices.1.total) next to the right inputs."""
        rows = {"invoices": self.invoice_entries(), "payments": self.payment_entries()}
        top = {"debtor.legal_name": self.legal_name, "debtor.emails": self.emails,
               "claim_type": self.claim_type, "agreement_date": self.agreement_date,
               "agreed_credit_days": self.agreed_credit_days,
               "stated_interest_rate": self.stated_interest_rate}
        for path, messages in errors.items():
            parts = path.split(".")
            target = None
            if parts[0] in rows and len(parts) == 3 and int(parts[1]) < len(rows[parts[0]]):
                target = getattr(rows[parts[0]][int(parts[1])], parts[2], None)
            elif path in top:
                target = top[path]
            if target is not None:
                target.errors = list(target.errors) + messages
            else:
                self.form_errors.extend(messages)

    def fill(self, facts: CaseFacts) -> None:
        """Pre-fill from existing facts (edit page)."""
        d = facts.debtor
        self.legal_name.data, self.gstin.data, self.pan.data = d.legal_name, d.gstin, d.pan
        self.postal_address.data = d.postal_address
        self.emails.data, self.mobiles.data = "\n".join(d.emails), "\n".join(d.mobiles)
        self.claim_type.data = facts.claim_type.value
        self.buyer_relationship.data = facts.buyer_relationship.value
        self.has_written_agreement.data = facts.has_written_agreement
        self.agreement_date.data = facts.agreement_date
        self.agreed_credit_days.data = facts.agreed_credit_days
        self.has_arbitration_clause.data = facts.has_arbitration_clause
        self.stated_interest_rate.data, self.summary.data = facts.stated_interest_rate, facts.summary
        self.rate_basis.data, self.part_month.data = facts.rate_basis.value, facts.part_month.value
        self.rounding.data = facts.rounding.value
        while len(self.invoices.entries):
            self.invoices.pop_entry()
        for inv in facts.invoices + [None]:
            row = self.invoices.append_entry().form
            if inv is not None:
                for name in ("number", "invoice_date", "acceptance_date", "credit_days", "due_date",
                             "taxable_value", "gst_amount", "total", "objection_raised_on",
                             "objection_removed_on"):
                    getattr(row, name).data = getattr(inv, name)
        while len(self.payments.entries):
            self.payments.pop_entry()
        for pay in facts.payments + [None]:
            row = self.payments.append_entry().form
            if pay is not None:
                row.amount.data, row.paid_on.data = pay.amount, pay.paid_on
                row.method.data, row.reference.data = pay.method.value, pay.reference


class NewCaseForm(CaseForm):
    """The claim form for a new case: also who acts for the creditor (changed later on the case page)."""

    advocate_id = AdvocateField(_l("Advocate for this claim"),
                                none_label=_l("None for now: assign one later"))
