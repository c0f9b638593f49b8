"""Upload and withdrawal forms for evidence."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from evidence.models import DocumentKind
from portal.formfields import choices


class UploadForm(FlaskForm):
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")])
    kind = SelectField("What is it", choices=choices((k.value, k.value.replace("_", " ").capitalize())
                                                     for k in DocumentKind))
    description = TextAreaField("Description", validators=[Length(max=1000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why withdraw it", validators=[InputRequired("Give a reason."), Length(max=1000)])
