"""Forms for mandates: the creditor's one-time code, the advocate's countersignature."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, Optional

from portal.i18n import lazy_gettext as _l


class MandateAcceptForm(FlaskForm):
    code = StringField(_l("Code"), validators=[InputRequired(_l("Enter the code.")), Length(min=6, max=7)])


class MandateSignForm(FlaskForm):
    pin = PasswordField(_l("Token PIN (only if your certificate is on a token)"),
                        validators=[Optional(), Length(max=64)])
