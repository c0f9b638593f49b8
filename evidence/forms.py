"""Upload and withdrawal forms for evidence."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from evidence.models import KIND_WORDS
from portal.formfields import choices
from portal.i18n import lazy_gettext as _l


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])
    kind = SelectField(_l("What is it"), choices=choices(KIND_WORDS))
    description = TextAreaField(_l("Description"), validators=[Length(max=1000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why withdraw it"), validators=[InputRequired(_l("Give a reason.")),
                                                              Length(max=1000)])
