"""Forms for signing: the advocate's DSC upload or token key, and the public check of a signed notice."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from portal.i18n import lazy_gettext as _l
from portal.web.forms import PageForm


class VerifyUploadForm(PageForm):
    file = FileField(_l("The PDF you received"), validators=[FileRequired(_l("Choose the PDF to check."))])


class CertificateForm(PageForm):
    pkcs12 = FileField(_l("Your DSC exported as PKCS#12 (.p12 or .pfx)"),
                       validators=[FileRequired(_l("Choose the .p12/.pfx file."))])
    passphrase = PasswordField(_l("Its passphrase"), validators=[InputRequired(), Length(max=200)])


class TokenKeyForm(PageForm):
    """Which token attached to the signing server holds the advocate's key; the PIN only checks it."""

    token_label = StringField(_l("The token's label"), validators=[
        InputRequired(_l("Give the token's label.")),
        Length(max=32, message=_l("A token label has at most 32 characters."))])
    key_label = StringField(_l("The key's label on the token"), validators=[
        InputRequired(_l("Give the key's label.")), Length(max=100)])
    pin = PasswordField(_l("The token's PIN (to check the key now; it is not stored)"), validators=[
        InputRequired(_l("Type the token's PIN so the key can be checked.")), Length(max=64)])
