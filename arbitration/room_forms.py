"""Forms of the ODR room: a message (with an optional reply target and attachment), a request for a
conciliator, and the institution's appointment of a neutral."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from arbitration.conciliation import MAX_REASON
from arbitration.room import MAX_BODY


class MessageForm(FlaskForm):
    body = TextAreaField("Your message", validators=[
        InputRequired("Write a message before sending."),
        Length(max=MAX_BODY, message=f"A message can be at most {MAX_BODY} characters.")])
    reply_to = IntegerField("In reply to", validators=[Optional()])
    # The neutral's choice of private session; a party's own side is used whatever this says.
    side = HiddenField()
    attachment = FileField("Attach a file (optional)")


class ConciliationForm(FlaskForm):
    reason = TextAreaField("Why a conciliator would help (optional)", validators=[
        Length(max=MAX_REASON, message=f"Keep the reason under {MAX_REASON} characters.")])


class AppointForm(FlaskForm):
    neutral_id = SelectField("Neutral to appoint", coerce=int, validate_choice=True)
