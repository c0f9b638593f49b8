"""Forms of the arbitral proceedings' pages: the calendar, filings, hearings and minutes, orders, fee
deposits and extensions. Each validates its own input; the services check the rules of the case."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
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
from arbitration.proceedings.conduct import PARTY_LABELS, STEP_LABELS
from portal.formfields import choices
from portal.money import PAISA
from portal.web.forms import IntegerField, MoneyField

PARTY_CHOICES = [(p.value, label) for p, label in PARTY_LABELS.items()]
STEP_CHOICES = [(k.value, label) for k, label in STEP_LABELS.items()]
BASIS_CHOICES = [(Basis.CONSENT.value, "The parties' consent (s.29A(3))"),
                 (Basis.COURT_ORDER.value, "A court's order (s.29A(4))")]


class StepForm(FlaskForm):
    kind = SelectField("Step", choices=choices(STEP_CHOICES),
                       validators=[InputRequired()])
    party = SelectField("Filed by", choices=choices(PARTY_CHOICES), validators=[InputRequired()],
                        id="step_party")
    due_on = DateField("Deadline", validators=[InputRequired("Give the deadline.")])
    title = StringField("Description (optional)", validators=[Optional(), Length(max=200)])


class ExtendStepForm(FlaskForm):
    due_on = DateField("New deadline", validators=[InputRequired("Give the new deadline.")])


class FileStepForm(FlaskForm):
    file = FileField("Your submission (PDF, image or text)", validators=[FileRequired("Choose the file.")])
    description = StringField("Short description (optional)", validators=[Optional(), Length(max=300)])


class HearingForm(FlaskForm):
    date = DateField("Date", validators=[InputRequired("Give the date.")])
    time = TimeField("Time (IST)", validators=[InputRequired("Give the time.")])
    duration_minutes = IntegerField("Duration in minutes", default=60, validators=[
        InputRequired("Give the duration."), NumberRange(15, 480, "Between 15 minutes and 8 hours.")])
    video_link = StringField("Video link (https://)", validators=[InputRequired("Give the link."),
                                                                  Length(max=500)])
    agenda = TextAreaField("Agenda (optional)", validators=[Optional(), Length(max=5000)])

    def validate_video_link(self, field) -> None:
        from arbitration.proceedings.hearings import check_video_link
        from portal.errors import DomainError

        try:
            field.data = check_video_link(field.data)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc


class MinutesForm(FlaskForm):
    claimant_present = BooleanField("The claimant attended")
    claimant_by = StringField("Attended for the claimant by", validators=[Optional(), Length(max=200)])
    respondent_present = BooleanField("The respondent attended")
    respondent_by = StringField("Attended for the respondent by", validators=[Optional(), Length(max=200)])
    arbitrator_present = BooleanField("The arbitrator attended", default=True)
    arbitrator_by = StringField("Arbitrator", validators=[Optional(), Length(max=200)])
    minutes = TextAreaField("Minutes", validators=[Optional(), Length(max=50_000)])
    finalise = BooleanField("Finalise the minutes (they cannot change afterwards)")

    def attendance(self) -> dict[str, tuple[bool, str]]:
        return {p: (bool(getattr(self, f"{p}_present").data), getattr(self, f"{p}_by").data or "")
                for p in ("claimant", "respondent", "arbitrator")}


class OrderForm(FlaskForm):
    text = TextAreaField("Text of the order (a blank line between paragraphs)", validators=[
        InputRequired("Write the order's text."), Length(max=20_000)])


class FeeForm(FlaskForm):
    party = SelectField("Deposited by", choices=choices(PARTY_CHOICES), validators=[InputRequired()],
                        id="fee_party")
    amount = MoneyField("Amount (₹)", minimum=PAISA, maximum=Decimal(10**11),
                        validators=[InputRequired("Give the amount.")])
    received_on = DateField("Received on", validators=[InputRequired("Give the date received.")])
    reference = StringField("Reference (UTR, receipt no.)", validators=[InputRequired("Give a reference."),
                                                                         Length(max=100)])


class ExtensionForm(FlaskForm):
    months = IntegerField("Months", validators=[InputRequired("Give the months."),
                                                NumberRange(1, 24, "Between 1 and 24 months.")])
    basis = SelectField("Basis", choices=choices(BASIS_CHOICES), validators=[InputRequired()])
    note = TextAreaField("The consent or the order it rests on", validators=[Optional(), Length(max=2000)])
