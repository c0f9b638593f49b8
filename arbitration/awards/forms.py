"""Forms of the award's page: the arbitrator's draft (every field optional here: the s.31 rules say
what is missing when it is finalised), and the claimant's records of a s.34 challenge, a court's
extension, and the close. Each validates its own input's type and range."""
from __future__ import annotations

from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from arbitration.awards.making import MAX_REASONS_CHARS, AwardFields
from arbitration.awards.models import CostsBorneBy, PostInterestBasis
from portal.formfields import choices
from portal.i18n import lazy_gettext as _l
from portal.web.forms import IntegerField, MoneyField, PageForm

MAX_MONEY = 10**11
POST_CHOICES = [("", _l("Choose")),
                (PostInterestBasis.STATUTORY.value, _l("2% above the current rate (s.31(7)(b) default)")),
                (PostInterestBasis.DIRECTED.value, _l("A rate the award directs"))]
COSTS_CHOICES = [("", _l("Choose")), (CostsBorneBy.RESPONDENT.value, _l("The respondent")),
                 (CostsBorneBy.CLAIMANT.value, _l("The claimant")),
                 (CostsBorneBy.SHARED.value, _l("Each party bears its own"))]


def _money(label) -> MoneyField:
    return MoneyField(label, maximum=MAX_MONEY, validators=[Optional()])


def _rate(label) -> DecimalField:
    return DecimalField(label, places=2, validators=[
        Optional(), NumberRange(min=0, max=99, message=_l("A rate between 0 and 99%% a year."))])


class AwardForm(PageForm):
    claimant = StringField(_l("Claimant"), validators=[Optional(), Length(max=200)])
    respondent = StringField(_l("Respondent"), validators=[Optional(), Length(max=200)])
    agreement = TextAreaField(_l("The arbitration agreement relied on"),
                              validators=[Optional(), Length(max=5000)])
    seat = StringField(_l("Seat of arbitration"), validators=[Optional(), Length(max=120)])
    award_date = DateField(_l("Date of the award"), validators=[Optional()])
    reasons = TextAreaField(_l("Reasons (a blank line between paragraphs)"),
                            validators=[Optional(), Length(max=MAX_REASONS_CHARS)])
    principal = _money(_l("Principal sum awarded (₹)"))
    pre_rate = _rate(_l("Pre-award interest rate (% a year; 0 if none)"))
    pre_from = DateField(_l("Pre-award interest from"), validators=[Optional()])
    pre_to = DateField(_l("Pre-award interest to"), validators=[Optional()])
    pre_amount = _money(_l("Pre-award interest amount (₹; 0 if none)"))
    post_basis = SelectField(_l("Post-award interest"), choices=choices(POST_CHOICES),
                             validators=[Optional()])
    post_current_rate = _rate(_l("Current rate of interest on the award's date (%)"))
    post_directed_rate = _rate(_l("Rate the award directs (%)"))
    costs = _money(_l("Costs (₹, s.31A)"))
    costs_borne_by = SelectField(_l("Costs borne by"), choices=choices(COSTS_CHOICES),
                                 validators=[Optional()])

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


class ChallengeForm(PageForm):
    filed_on = DateField(_l("Petition filed on"), validators=[InputRequired(_l("Give the date of filing."))])
    note = StringField(_l("Court and petition number"), validators=[
        InputRequired(_l("Say which court and the petition's number.")), Length(max=2000)])


class CourtExtensionForm(PageForm):
    days = IntegerField(_l("Days the court allowed"), validators=[
        InputRequired(_l("Give the days.")),
        NumberRange(1, 30, _l("A court may allow 1 to 30 days, no more."))])


class CloseForm(PageForm):
    note = TextAreaField(_l("Closing note (optional; the s.36 note is used if blank)"),
                         validators=[Optional(), Length(max=2000)])
