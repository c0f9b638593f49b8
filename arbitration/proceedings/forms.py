"""Forms of the arbitral proceedings' pages: the calendar, filings, hearings and minutes, orders, fee
deposits and extensions. Each validates its own input; the services check the rules of the case."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from arbitration.proceedings.clocks import Basis
from arbitration.proceedings.models import ProceedingParty, StepKind
from portal.formfields import choices
from portal.i18n import lazy_gettext as _l
from portal.money import PAISA
from portal.web.forms import IntegerField, MoneyField, PageForm

# The English of arbitration.proceedings.conduct.PARTY_LABELS and STEP_LABELS, in the page's language.
PARTY_CHOICES = [(ProceedingParty.CLAIMANT.value, _l("Claimant")),
                 (ProceedingParty.RESPONDENT.value, _l("Respondent"))]
STEP_CHOICES = [(StepKind.STATEMENT_OF_CLAIM.value, _l("Statement of claim")),
                (StepKind.DEFENCE.value, _l("Statement of defence")),
                (StepKind.COUNTER_CLAIM.value, _l("Counter-claim")),
                (StepKind.REJOINDER.value, _l("Rejoinder")),
                (StepKind.DOCUMENTS.value, _l("Documents")),
                (StepKind.OTHER.value, _l("Other submission"))]
BASIS_CHOICES = [(Basis.CONSENT.value, _l("The parties' consent (s.29A(3))")),
                 (Basis.COURT_ORDER.value, _l("A court's order (s.29A(4))"))]


class StepForm(PageForm):
    kind = SelectField(_l("Step"), choices=choices(STEP_CHOICES),
                       validators=[InputRequired()])
    party = SelectField(_l("Filed by"), choices=choices(PARTY_CHOICES), validators=[InputRequired()],
                        id="step_party")
    due_on = DateField(_l("Deadline"), validators=[InputRequired(_l("Give the deadline."))])
    title = StringField(_l("Description (optional)"), validators=[Optional(), Length(max=200)])


class ExtendStepForm(PageForm):
    due_on = DateField(_l("New deadline"), validators=[InputRequired(_l("Give the new deadline."))])


class FileStepForm(PageForm):
    file = FileField(_l("Your submission (PDF, image or text)"),
                     validators=[FileRequired(_l("Choose the file."))])
    description = StringField(_l("Short description (optional)"), validators=[Optional(), Length(max=300)])


class HearingForm(PageForm):
    date = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))])
    time = TimeField(_l("Time (IST)"), validators=[InputRequired(_l("Give the time."))])
    duration_minutes = IntegerField(_l("Duration in minutes"), default=60, validators=[
        InputRequired(_l("Give the duration.")), NumberRange(15, 480, _l("Between 15 minutes and 8 hours."))])
    video_link = StringField(_l("Video link (https://)"), validators=[InputRequired(_l("Give the link.")),
                                                                      Length(max=500)])
    agenda = TextAreaField(_l("Agenda (optional)"), validators=[Optional(), Length(max=5000)])

    def validate_video_link(self, field) -> None:
        from arbitration.proceedings.hearings import check_video_link
        from portal.errors import DomainError

        try:
            field.data = check_video_link(field.data)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc


class MinutesForm(PageForm):
    claimant_present = BooleanField(_l("The claimant attended"))
    claimant_by = StringField(_l("Attended for the claimant by"), validators=[Optional(), Length(max=200)])
    respondent_present = BooleanField(_l("The respondent attended"))
    respondent_by = StringField(_l("Attended for the respondent by"),
                                validators=[Optional(), Length(max=200)])
    arbitrator_present = BooleanField(_l("The arbitrator attended"), default=True)
    arbitrator_by = StringField(_l("Arbitrator"), validators=[Optional(), Length(max=200)])
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=50_000)])
    finalise = BooleanField(_l("Finalise the minutes (they cannot change afterwards)"))

    def attendance(self) -> dict[str, tuple[bool, str]]:
        return {p: (bool(getattr(self, f"{p}_present").data), getattr(self, f"{p}_by").data or "")
                for p in ("claimant", "respondent", "arbitrator")}


class OrderForm(PageForm):
    text = TextAreaField(_l("Text of the order (a blank line between paragraphs)"), validators=[
        InputRequired(_l("Write the order's text.")), Length(max=20_000)])


class FeeForm(PageForm):
    party = SelectField(_l("Deposited by"), choices=choices(PARTY_CHOICES), validators=[InputRequired()],
                        id="fee_party")
    amount = MoneyField(_l("Amount (₹)"), minimum=PAISA, maximum=Decimal(10**11),
                        validators=[InputRequired(_l("Give the amount."))])
    received_on = DateField(_l("Received on"), validators=[InputRequired(_l("Give the date received."))])
    reference = StringField(_l("Reference (UTR, receipt no.)"), validators=[
        InputRequired(_l("Give a reference.")), Length(max=100)])


class ExtensionForm(PageForm):
    months = IntegerField(_l("Months"), validators=[InputRequired(_l("Give the months.")),
                                                    NumberRange(1, 24, _l("Between 1 and 24 months."))])
    basis = SelectField(_l("Basis"), choices=choices(BASIS_CHOICES), validators=[InputRequired()])
    note = TextAreaField(_l("The consent or the order it rests on"),
                         validators=[Optional(), Length(max=2000)])
