"""The administrator's forms: a new key (name and scopes), and revoking one (with a reason)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.apikeys.services import SCOPES
from portal.formfields import choices


class NewKeyForm(FlaskForm):
    name = StringField("Name (the system that will use it)",
                       validators=[InputRequired("Name the key."), Length(max=100)])
    scopes = SelectMultipleField("What it may do", choices=choices(SCOPES.items()),
                                 default=["read"], widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput(),
                                 validators=[InputRequired("Choose at least one scope.")])


class RevokeKeyForm(FlaskForm):
    reason = TextAreaField("Why revoke it", validators=[InputRequired("Say why."), Length(max=500)])
