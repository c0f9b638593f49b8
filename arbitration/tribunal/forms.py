"""Forms of the tribunal pages: a neutral's panel listing and declared relationships, naming an
arbitrator, the Sixth Schedule disclosure, continuing disclosure, a challenge and its decision."""
from __future__ import annotations

from decimal import Decimal

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from arbitration.tribunal.challenges import MAX_REASONS
from arbitration.tribunal.disclosure import MAX_ANSWER, SEVENTH_SCHEDULE_DECLARATION, SIXTH_SCHEDULE
from arbitration.tribunal.models import Ground
from portal.formfields import choices
from portal.i18n import N_
from portal.i18n import lazy_gettext as _l
from portal.web.forms import MoneyField, PageForm

# The Sixth Schedule's items and the Seventh Schedule declaration as the form shows them, in the page's
# language (their English, marked where defined, is what is kept).
_Q = {q.key: _l(q.text) for q in SIXTH_SCHEDULE}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


YES_NO = (("no", _l("No")), ("yes", _l("Yes (list them below)")))

# A declared relationship as the neutral reads it: the choice ("I am an employee of…", the English of
# arbitration.tribunal.conflicts.GROUND_LABELS) and the sentence it makes with the name it names.
GROUND_CHOICES = {
    Ground.EMPLOYEE: _l("I am an employee of…"),
    Ground.CONSULTANT: _l("I am a consultant to…"),
    Ground.ADVISER: _l("I am an adviser to…"),
    Ground.DIRECTOR: _l("I am a director or manager of…"),
    Ground.SHAREHOLDER: _l("I am a significant shareholder in…"),
    Ground.ADVISED_PARTY: _l("I am a regular adviser of…"),
    Ground.SAME_LAW_FIRM: _l("I am in the same law firm as…"),
    Ground.FAMILY: _l("I am a close family member of…"),
    Ground.COUNSEL: _l("I am counsel for, or advising,…"),
}
DECLARED = {  # the template says each with `_(DECLARED[ground], name=...)`
    Ground.EMPLOYEE: N_("I am an employee of %(name)s"),
    Ground.CONSULTANT: N_("I am a consultant to %(name)s"),
    Ground.ADVISER: N_("I am an adviser to %(name)s"),
    Ground.DIRECTOR: N_("I am a director or manager of %(name)s"),
    Ground.SHAREHOLDER: N_("I am a significant shareholder in %(name)s"),
    Ground.ADVISED_PARTY: N_("I am a regular adviser of %(name)s"),
    Ground.SAME_LAW_FIRM: N_("I am in the same law firm as %(name)s"),
    Ground.FAMILY: N_("I am a close family member of %(name)s"),
    Ground.COUNSEL: N_("I am counsel for, or advising, %(name)s"),
}


class ProfileForm(PageForm):
    expertise = TextAreaField(_l("Expertise"), validators=[Length(max=2000)])
    languages = StringField(_l("Languages you conduct proceedings in (comma-separated)"),
                            validators=[Length(max=200)])
    fee_schedule = TextAreaField(_l("Fee schedule"), validators=[Length(max=2000)])
    base_fee = MoneyField(_l("Fee per case (₹, optional)"), maximum=Decimal("10000000"),
                          validators=[Optional()])
    available = BooleanField(_l("Available for new appointments"))
    availability_note = StringField(_l("Availability note"), validators=[Length(max=300)])


class RelationshipForm(PageForm):
    ground = SelectField(_l("Relationship"), validate_choice=True,
                         choices=choices([(g.value, GROUND_CHOICES[g]) for g in Ground]))
    counterpart_name = StringField(_l("Name of the person or business"), filters=[_strip], validators=[
        DataRequired(_l("Name the person or business.")), Length(max=200)])
    gstin = StringField(_l("GSTIN (optional)"), validators=[Length(max=15)])
    pan = StringField(_l("PAN (optional)"), validators=[Length(max=10)])
    email = StringField(_l("E-mail (optional, for a person)"), validators=[Length(max=254)])


class NeutralChoiceForm(PageForm):
    neutral_id = SelectField(_l("Neutral"), coerce=int, validate_choice=True)


class DisclosureForm(PageForm):
    name = StringField(_Q["name"], validators=[Length(max=MAX_ANSWER)])
    contact = TextAreaField(_Q["contact"], validators=[Length(max=MAX_ANSWER)])
    experience = TextAreaField(_Q["experience"], validators=[Length(max=MAX_ANSWER)])
    ongoing = StringField(_Q["ongoing"], validators=[Length(max=4)])
    relationships = RadioField(_Q["relationships"], choices=choices(YES_NO), validate_choice=False)
    relationships_details = TextAreaField(_l("Circumstances under item 5"),
                                          validators=[Length(max=MAX_ANSWER)])
    time = RadioField(_Q["time"], choices=choices(YES_NO), validate_choice=False)
    time_details = TextAreaField(_l("Circumstances under item 6"), validators=[Length(max=MAX_ANSWER)])
    seventh_schedule = BooleanField(_l(SEVENTH_SCHEDULE_DECLARATION))

    def answers(self) -> dict[str, str]:
        raw = {k: (getattr(self, k).data or "") for k in (
            "name", "contact", "experience", "ongoing", "relationships", "relationships_details",
            "time", "time_details")}
        raw["seventh_schedule"] = "y" if self.seventh_schedule.data else ""
        return raw


class DeclineForm(PageForm):
    reason = TextAreaField(_l("Why you decline (optional)"), validators=[Length(max=1000)])


class DisclosureUpdateForm(PageForm):
    circumstances = TextAreaField(_l("The circumstance you disclose"), filters=[_strip], validators=[
        DataRequired(_l("Describe the circumstance you disclose.")), Length(max=MAX_ANSWER)])


class ChallengeForm(PageForm):
    reasons = TextAreaField(_l("Reasons for the challenge"), filters=[_strip], validators=[
        DataRequired(_l("Give the reasons for the challenge.")), Length(max=MAX_REASONS)])


class DecisionForm(PageForm):
    decision = RadioField(_l("Decision"), choices=choices([
                              ("rejected", _l("Reject the challenge: the proceedings continue")),
                              ("upheld", _l("Uphold it: I withdraw as arbitrator"))]),
                          validators=[InputRequired(_l("Choose a decision."))])
    reasons = TextAreaField(_l("Reasons"), filters=[_strip], validators=[
        DataRequired(_l("Give the reasons for the decision.")), Length(max=MAX_REASONS)])
