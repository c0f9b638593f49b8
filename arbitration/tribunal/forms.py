"""Forms of the tribunal pages: a neutral's panel listing and declared relationships, naming an
arbitrator, the Sixth Schedule disclosure, continuing disclosure, a challenge and its decision."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from arbitration.tribunal.challenges import MAX_REASONS
from arbitration.tribunal.conflicts import GROUND_LABELS
from arbitration.tribunal.disclosure import MAX_ANSWER, SEVENTH_SCHEDULE_DECLARATION, SIXTH_SCHEDULE
from arbitration.tribunal.models import Ground
from portal.formfields import choices
from portal.web.forms import MoneyField

_Q = {q.key: q.text for q in SIXTH_SCHEDULE}
def _strip(value):
    return value.strip() if isinstance(value, str) else value


YES_NO = (("no", "No"), ("yes", "Yes (list them below)"))


class ProfileForm(FlaskForm):
    expertise = TextAreaField("Expertise", validators=[Length(max=2000)])
    languages = StringField("Languages you conduct proceedings in (comma-separated)",
                            validators=[Length(max=200)])
    fee_schedule = TextAreaField("Fee schedule", validators=[Length(max=2000)])
    base_fee = MoneyField("Fee per case (₹, optional)", maximum=Decimal("10000000"), validators=[Optional()])
    available = BooleanField("Available for new appointments")
    availability_note = StringField("Availability note", validators=[Length(max=300)])


class RelationshipForm(FlaskForm):
    ground = SelectField("Relationship", validate_choice=True,
                         choices=choices([(g.value, f"I am {GROUND_LABELS[g]}…") for g in Ground]))
    counterpart_name = StringField("Name of the person or business", filters=[_strip], validators=[
        DataRequired("Name the person or business."), Length(max=200)])
    gstin = StringField("GSTIN (optional)", validators=[Length(max=15)])
    pan = StringField("PAN (optional)", validators=[Length(max=10)])
    email = StringField("E-mail (optional, for a person)", validators=[Length(max=254)])


class NeutralChoiceForm(FlaskForm):
    neutral_id = SelectField("Neutral", coerce=int, validate_choice=True)


class DisclosureForm(FlaskForm):
    name = StringField(_Q["name"], validators=[Length(max=MAX_ANSWER)])
    contact = TextAreaField(_Q["contact"], validators=[Length(max=MAX_ANSWER)])
    experience = TextAreaField(_Q["experience"], validators=[Length(max=MAX_ANSWER)])
    ongoing = StringField(_Q["ongoing"], validators=[Length(max=4)])
    relationships = RadioField(_Q["relationships"], choices=choices(YES_NO), validate_choice=False)
    relationships_details = TextAreaField("Circumstances under item 5", validators=[Length(max=MAX_ANSWER)])
    time = RadioField(_Q["time"], choices=choices(YES_NO), validate_choice=False)
    time_details = TextAreaField("Circumstances under item 6", validators=[Length(max=MAX_ANSWER)])
    seventh_schedule = BooleanField(SEVENTH_SCHEDULE_DECLARATION)

    def answers(self) -> dict[str, str]:
        raw = {k: (getattr(self, k).data or "") for k in (
            "name", "contact", "experience", "ongoing", "relationships", "relationships_details",
            "time", "time_details")}
        raw["seventh_schedule"] = "y" if self.seventh_schedule.data else ""
        return raw


class DeclineForm(FlaskForm):
    reason = TextAreaField("Why you decline (optional)", validators=[Length(max=1000)])


class DisclosureUpdateForm(FlaskForm):
    circumstances = TextAreaField("The circumstance you disclose", filters=[_strip], validators=[
        DataRequired("Describe the circumstance you disclose."), Length(max=MAX_ANSWER)])


class ChallengeForm(FlaskForm):
    reasons = TextAreaField("Reasons for the challenge", filters=[_strip], validators=[
        DataRequired("Give the reasons for the challenge."), Length(max=MAX_REASONS)])


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", choices=choices([
                              ("rejected", "Reject the challenge: the proceedings continue"),
                              ("upheld", "Uphold it: I withdraw as arbitrator")]),
                          validators=[InputRequired("Choose a decision.")])
    reasons = TextAreaField("Reasons", filters=[_strip], validators=[
        DataRequired("Give the reasons for the decision."), Length(max=MAX_REASONS)])
