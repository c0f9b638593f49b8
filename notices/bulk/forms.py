"""The creditor's request for notices on many cases at once."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired, NumberRange

from notices.models import NoticeLanguage
from portal.formfields import choices
from portal.i18n import lazy_gettext as _l
from portal.web.forms import IntegerField


class BulkRequestForm(FlaskForm):
    language = SelectField(_l("Language"), choices=choices([(NoticeLanguage.ENGLISH.value, _l("English")),
                                                            (NoticeLanguage.HINDI.value, "हिन्दी (Hindi)")]))
    pay_within_days = IntegerField(_l("Days given to pay"), default=15, validators=[
        InputRequired(), NumberRange(7, 60, _l("Between 7 and 60 days."))])
    submit_for_review = BooleanField(_l("Submit each draft to its advocate for review at once"))
