"""Forms of the award's page: the arbitrator's draft (every field optional here: the s.31 rules say
what is missing when it is finalised), and the claimant's records of a s.34 challenge, a court's
extension, and the close. Each validates its own input's type and range."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from arbitration.awards.making import MAX_REASONS_CHARS, AwardFields
from arbitration.awards.models import CostsBorneBy, PostInterestBasis
from portal.formfields import choices
from portal.web.forms import IntegerField, MoneyField

MAX_MONEY = 10**11
POST_CHOICES = [("", "Choose"),
                (PostInterestBasis.STATUTORY.value, "2% above the current rate (s.31(7)(b) default)"),
                (PostInterestBasis.DIRECTED.value, "A rate the award directs")]
COSTS_CHOICES = [("", "Choose"), (CostsBorneBy.RESPONDENT.value, "The respondent"),
                 (CostsBorneBy.CLAIMANT.value, "The claimant"),
                 (CostsBorneBy.SHARED.value, "Each party bears its own")]


def _money(label: str) -> MoneyField:
    return MoneyField(label, maximum=MAX_MONEY, validators=[Optional()])


def _rate(label: str) -> DecimalField:
    return DecimalField(label, places=2, validators=[
        Optional(), NumberRange(min=0, max=99, message="A rate between 0 and 99% a year.")])


class AwardForm(FlaskForm):
    claimant = StringField("Claimant", validators=[Optional(), Length(max=200)])
    respondent = StringField("Respondent", validators=[Optional(), Length(max=200)])
    agreement = TextAreaField("The arbitration agreement relied on",
                              validators=[Optional(), Length(max=5000)])
    seat = StringField("Seat of arbitration", validators=[Optional(), Length(max=120)])
    award_date = DateField("Date of the award", validators=[Optional()])
    reasons = TextAreaField("Reasons (a blank line between paragraphs)",
                            validators=[Optional(), Length(max=MAX_REASONS_CHARS)])
    principal = _money("Principal sum awarded (₹)")
    pre_rate = _rate("Pre-award interest rate (% a year; 0 if none)")
    pre_from = DateField("Pre-award interest from", validators=[Optional()])
    pre_to = DateField("Pre-award interest to", validators=[Optional()])
    pre_amount = _money("Pre-award interest amount (₹; 0 if none)")
    post_basis = SelectField("Post-award interest", choices=choices(POST_CHOICES), validators=[Optional()])
    post_current_rate = _rate("Current rate of interest on the award's date (%)")
    post_directed_rate = _rate("Rate the award directs (%)")
    costs = _money("Costs (₹, s.31A)")
    costs_borne_by = SelectField("Costs borne by", choices=choices(COSTS_CHOICES), validators=[Optional()])

    def values(self) -> AwardFields:
        return AwardFields(
            reasons=self.reasons.data or "", award_date=self.award_date.data, seat=self.seat.data or "",
            claimant=self.claimant.data or "", respondent=self.respondent.data or "",
            agreement=self.agreement.data or "", principal=self.principal.data, pre_rate=self.pre_rate.data,
            pre_from=self.pre_from.data, pre_to=self.pre_to.data, pre_amount=self.pre_amount.data,
            post_basis=PostInterestBasis(self.post_basis.data) if self.post_basis.data else None,
            post_current_rate=self.post_current_rate.data, post_directed_rate=self.post_directed_rate.data,
            costs=self.costs.data,
            costs_borne_by=CostsBorneBy(self.costs_borne_by.data) if self.costs_borne_by.data else None)

    @classmethod
    def of(cls, award) -> AwardForm:
        form = cls(formdata=None, obj=award)
        form.post_basis.data = award.post_basis.value if award.post_basis else ""
        form.costs_borne_by.data = award.costs_borne_by.value if award.costs_borne_by else ""
        directed = award.post_basis == PostInterestBasis.DIRECTED
        form.post_directed_rate.data = award.post_rate if directed else None
        return form


class ChallengeForm(FlaskForm):
    filed_on = DateField("Petition filed on", validators=[InputRequired("Give the date of filing.")])
    note = StringField("Court and petition number", validators=[
        InputRequired("Say which court and the petition's number."), Length(max=2000)])


class CourtExtensionForm(FlaskForm):
    days = IntegerField("Days the court allowed", validators=[
        InputRequired("Give the days."), NumberRange(1, 30, "A court may allow 1 to 30 days, no more.")])


class CloseForm(FlaskForm):
    note = TextAreaField("Closing note (optional; the s.36 note is used if blank)",
                         validators=[Optional(), Length(max=2000)])
