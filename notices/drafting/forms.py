"""Forms for drafting and reviewing a notice."""
from __future__ import annotations

from decimal import Decimal

from wtforms import (
    DateField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from notices.models import NoticeLanguage
from portal.formfields import choices
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.web.forms import IntegerField, MoneyField, PageForm


class DraftNoticeForm(PageForm):
    language = SelectField(_l("Language"), choices=choices([(NoticeLanguage.ENGLISH.value, "English"),
                                                        (NoticeLanguage.HINDI.value, "हिन्दी (Hindi)")]))
    pay_within_days = IntegerField(_l("Days given to pay"), default=15, validators=[
        InputRequired(), NumberRange(7, 60, _l("Between 7 and 60 days."))])
    cheque_number = StringField(_l("Cheque number (NI Act s.138 notices only)"),
                                validators=[Optional(), Length(min=6, max=10)])
    cheque_bank = StringField(_l("Drawn on (bank and branch)"), validators=[Optional(), Length(max=120)])
    cheque_date = DateField(_l("Cheque date"), validators=[Optional()])
    cheque_amount = MoneyField(_l("Cheque amount (₹)"), minimum=Decimal("1"), validators=[Optional()])
    presented_on = DateField(_l("Date the cheque was presented to the bank"), validators=[Optional()])
    memo_date = DateField(_l("Date of the bank's dishonour memo"), validators=[Optional()])
    memo_received_on = DateField(_l("Date your client received the return memo"), validators=[Optional()])
    dishonour_reason = StringField(_l("Reason on the memo"), validators=[Optional(), Length(max=200)])

    def validate_cheque_number(self, field):
        if field.data:
            missing = [str(f.label.text) for f in (self.cheque_bank, self.cheque_date, self.cheque_amount,
                                              self.presented_on, self.memo_date, self.memo_received_on,
                                              self.dishonour_reason) if not f.data]
            if missing:
                raise ValidationError(gettext("For a cheque notice also give: %(fields)s.",
                                              fields=", ".join(missing)))
            if not field.data.isdigit():
                raise ValidationError(gettext("A cheque number has digits only."))


class CommentForm(PageForm):
    comment = TextAreaField(_l("What should change"), validators=[InputRequired(), Length(max=4000)])


class ApproveForm(PageForm):
    code = StringField(_l("Authentication code from your app"),
                       validators=[InputRequired(), Length(min=6, max=7)])
