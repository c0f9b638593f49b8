"""Payment forms (CSRF-protected). Amounts are taken as text: the service checks them against the
amount due and says exactly what is wrong."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.adapters import validate_vpa
from portal.i18n import lazy_gettext as _l
from portal.web.forms import PageForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ReportForm(PageForm):
    amount = StringField(_l("Amount you paid (₹)"), filters=[_strip],
                         validators=[InputRequired(_l("Give the amount you paid.")), Length(max=20)])
    utr = StringField(_l("UPI transaction reference (UTR)"), filters=[_strip],
                      validators=[InputRequired(_l("Give the 12-digit UTR your UPI app shows for the "
                                                      "payment.")), Length(max=40)])
    paid_on = DateField(_l("Date you paid"), validators=[InputRequired(_l("Give the date you paid."))])


class OnlineForm(PageForm):
    amount = StringField(_l("Amount to pay online (₹)"), filters=[_strip],
                         validators=[Optional(), Length(max=20)])


class RejectForm(FlaskForm):
    reason = TextAreaField("Why you are rejecting it (the debtor sees this)", filters=[_strip],
                           validators=[InputRequired("Say why you are rejecting the report."),
                                       Length(max=1000)])


def _vpa(form, field) -> None:
    """Blank clears the UPI ID; otherwise the NPCI shape the upi://pay link needs (name@bank)."""
    raw = (field.data or "").strip()
    if not raw:
        field.data = None
        return
    try:
        field.data = validate_vpa(raw)
    except ValueError:
        raise ValidationError("A UPI ID looks like business@bank: letters, digits, dots, hyphens or "
                              "underscores, then @ and the bank's handle in letters.") from None


class UpiForm(FlaskForm):
    upi_vpa = StringField("UPI ID for receiving payments (e.g. business@okhdfcbank)",
                          validators=[Length(max=100), _vpa])
