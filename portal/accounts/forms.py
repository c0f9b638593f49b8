"""Sign-in, sign-up, invitation and reset forms (CSRF-protected by Flask-WTF)."""
from __future__ import annotations

from datetime import date, datetime

from wtforms import DateField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from portal.accounts.models import EnterpriseCategory
from portal.accounts.roles import Role
from portal.formfields import Normalized, choices, strong_password
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l
from portal.identifiers import (
    gstin_address_mismatch,
    normalize_gstin,
    normalize_mobile,
    normalize_pan,
    normalize_udyam,
    normalize_vpa,
    pan_from_gstin,
)
from portal.types import IST
from portal.web.forms import PageForm

EMAIL = [InputRequired(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)]
REQUIRED = DataRequired(_l("This field is required."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


# Udyam registration opened on 1 July 2020; no certificate is dated earlier.
UDYAM_START = date(2020, 7, 1)

# The categories of the Udyam certificate, as the form reads them.
CATEGORY_WORDS = {EnterpriseCategory.MICRO: _l("Micro"), EnterpriseCategory.SMALL: _l("Small"),
                  EnterpriseCategory.MEDIUM: _l("Medium"), EnterpriseCategory.LARGE: _l("Large")}


class LoginForm(PageForm):
    email = EmailField(_l("E-mail"), filters=[_strip], validators=EMAIL)
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=256)])


class SecondFactorForm(PageForm):
    code = StringField(_l("Authentication code or recovery code"),
                       validators=[InputRequired(), Length(min=6, max=20)])


class PersonFields(PageForm):
    name = StringField(_l("Your full name"), filters=[_strip], validators=[REQUIRED, Length(max=120)])
    phone = StringField(_l("Mobile number"), validators=[Normalized(normalize_mobile)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), strong_password])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[InputRequired(), EqualTo("password", _l("The passwords differ."))])


class SignupForm(PersonFields):
    email = EmailField(_l("Work e-mail"), filters=[_strip], validators=EMAIL)
    legal_name = StringField(_l("Business legal name"), filters=[_strip],
                             validators=[REQUIRED, Length(max=200)])
    address = TextAreaField(_l("Registered address"), filters=[_strip],
                            validators=[REQUIRED, Length(max=1000)])
    gstin = StringField("GSTIN", validators=[Normalized(normalize_gstin)])
    pan = StringField("PAN", validators=[Normalized(normalize_pan)])
    udyam_number = StringField(_l("Udyam registration number"), validators=[Normalized(normalize_udyam)])
    udyam_registered_on = DateField(_l("Udyam registration date"), validators=[Optional()])
    enterprise_category = SelectField(
        _l("Enterprise category"),
        choices=choices([("", _l("Not registered / not sure"))] + [(c.value, CATEGORY_WORDS[c])
                                                                    for c in EnterpriseCategory]),
        validators=[Optional()])
    upi_vpa = StringField(_l("UPI ID for receiving payments"), validators=[Normalized(normalize_vpa)])

    def validate_udyam_registered_on(self, field):
        if field.data and field.data < UDYAM_START:
            raise ValidationError(gettext("Udyam registration began on 1 July 2020; check the date "
                                          "on the certificate."))
        if field.data and field.data > datetime.now(IST).date():
            raise ValidationError(gettext("The Udyam registration date cannot be in the future."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Cross-field: an empty date or category stops at Optional(), so their own validators
        # never see that a Udyam number was given.
        if self.udyam_number.data:
            for f, message in ((self.udyam_registered_on,
                                gettext("Give the date of the Udyam registration.")),
                               (self.enterprise_category,
                                gettext("Choose the category on the Udyam certificate."))):
                if not f.data and not f.errors:
                    f.errors.append(message)
                    ok = False
        return ok

    def validate_gstin(self, field):
        mismatch = gstin_address_mismatch(field.data, self.address.data)
        if mismatch:
            raise ValidationError(mismatch)

    def validate_pan(self, field):
        if self.gstin.errors:  # the GSTIN is wrong already; one message is enough
            return
        if field.data and self.gstin.data and pan_from_gstin(self.gstin.data) != field.data:
            raise ValidationError(gettext("This PAN does not match the PAN inside the GSTIN."))


class InviteForm(PageForm):
    email = EmailField(_l("E-mail"), filters=[_strip], validators=EMAIL)
    role = SelectField(_l("Invite as"),
                       choices=choices([(Role.CREDITOR.value, _l("Colleague (creditor staff)")),
                                        (Role.ADVOCATE.value, _l("Advocate (independent counsel)"))]),
                       validators=[InputRequired()])


class AcceptInvitationForm(PersonFields):
    enrolment_number = StringField(_l("Bar Council enrolment number"), validators=[Length(max=40)])
    bar_council_state = StringField(_l("State Bar Council"), validators=[Length(max=60)])

    def __init__(self, *args, advocate: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.advocate = advocate

    def validate_enrolment_number(self, field):
        field.data = (field.data or "").strip() or None
        if self.advocate and not field.data:
            raise ValidationError(gettext("Give your enrolment number as on your Bar Council certificate."))

    def validate_bar_council_state(self, field):
        field.data = (field.data or "").strip() or None
        if self.advocate and not field.data:
            raise ValidationError(gettext("Give the State Bar Council you are enrolled with."))


class ResetRequestForm(PageForm):
    email = EmailField(_l("E-mail"), filters=[_strip], validators=EMAIL)


class ResetPasswordForm(PageForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(), strong_password])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[InputRequired(), EqualTo("password", _l("The passwords differ."))])


class TotpConfirmForm(PageForm):
    code = StringField(_l("6-digit code from your app"), validators=[InputRequired(), Length(min=6, max=7)])
