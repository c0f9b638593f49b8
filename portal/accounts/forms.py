"""Sign-in, sign-up, invitation and reset forms (CSRF-protected by Flask-WTF)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from portal.accounts.models import EnterpriseCategory
from portal.accounts.roles import Role
from portal.formfields import Normalized, strong_password
from portal.identifiers import (normalize_gstin, normalize_mobile, normalize_pan, normalize_udyam,
                                normalize_vpa)

EMAIL = [InputRequired(), Email(message="Enter a valid e-mail address."), Length(max=254)]


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=EMAIL)
    password = PasswordField("Password", validators=[InputRequired(), Length(max=256)])


class SecondFactorForm(FlaskForm):
    code = StringField("Authentication code or recovery code",
                       validators=[InputRequired(), Length(min=6, max=20)])


class PersonFields(FlaskForm):
    name = StringField("Your full name", validators=[InputRequired(), Length(max=120)])
    phone = StringField("Mobile number", validators=[Normalized(normalize_mobile)])
    password = PasswordField("Password", validators=[InputRequired(), strong_password])
    confirm = PasswordField("Repeat the password",
                            validators=[InputRequired(), EqualTo("password", "The passwords differ.")])


class SignupForm(PersonFields):
    email = EmailField("Work e-mail", validators=EMAIL)
    legal_name = StringField("Business legal name", validators=[InputRequired(), Length(max=200)])
    address = TextAreaField("Registered address", validators=[InputRequired(), Length(max=1000)])
    gstin = StringField("GSTIN", validators=[Normalized(normalize_gstin)])
    pan = StringField("PAN", validators=[Normalized(normalize_pan)])
    udyam_number = StringField("Udyam registration number", validators=[Normalized(normalize_udyam)])
    udyam_registered_on = DateField("Udyam registration date", validators=[Optional()])
    enterprise_category = SelectField(
        "Enterprise category",
        choices=[("", "Not registered / not sure")] + [(c.value, c.value.capitalize())
                                                        for c in EnterpriseCategory],
        validators=[Optional()])
    upi_vpa = StringField("UPI ID for receiving payments", validators=[Normalized(normalize_vpa)])

    def validate_udyam_registered_on(self, field):
        if self.udyam_number.data and not field.data:
            raise ValidationError("Give the date of the Udyam registration.")

    def validate_enterprise_category(self, field):
        if self.udyam_number.data and not field.data:
            raise ValidationError("Choose the category on the Udyam certificate.")

    def validate_pan(self, field):
        if field.data and self.gstin.data and self.gstin.data[2:12] != field.data:
            raise ValidationError("This PAN does not match the PAN inside the GSTIN.")


class InviteForm(FlaskForm):
    email = EmailField("E-mail", validators=EMAIL)
    role = SelectField("Invite as", choices=[(Role.CREDITOR.value, "Colleague (creditor staff)"),
                                              (Role.ADVOCATE.value, "Advocate (independent counsel)")],
                       validators=[InputRequired()])


class AcceptInvitationForm(PersonFields):
    enrolment_number = StringField("Bar Council enrolment number", validators=[Length(max=40)])
    bar_council_state = StringField("State Bar Council", validators=[Length(max=60)])


class ResetRequestForm(FlaskForm):
    email = EmailField("E-mail", validators=EMAIL)


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[InputRequired(), strong_password])
    confirm = PasswordField("Repeat the password",
                            validators=[InputRequired(), EqualTo("password", "The passwords differ.")])


class TotpConfirmForm(FlaskForm):
    code = StringField("6-digit code from your app", validators=[InputRequired(), Length(min=6, max=7)])
