"""The forms of the invocation pages: the clause pointed to, the seat of a submission agreement,
the one-time code to accept it, and the channels the s.21 notice is served by."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from arbitration.invocation import basis as bases
from notices import ChannelKind
from portal.web.forms import IntegerField


class ClauseForm(FlaskForm):
    document_id = SelectField("Document containing the arbitration clause", coerce=int,
                              validators=[InputRequired("Choose the document.")])
    page = IntegerField("Page number", validators=[InputRequired("Give the page number."),
                                                   NumberRange(min=1, max=bases.MAX_PAGE)])
    clause_text = TextAreaField("The clause, quoted as written", validators=[
        InputRequired("Quote the clause."), Length(min=bases.CLAUSE_MIN, max=bases.CLAUSE_MAX)])
    seat = StringField("Seat of arbitration", validators=[InputRequired("Name the seat."), Length(max=120)])


class SeatForm(FlaskForm):
    seat = StringField("Seat of arbitration", validators=[InputRequired("Name the seat."), Length(max=120)])


class SendCodeForm(FlaskForm):
    destination = RadioField("Send the code to", coerce=int,
                             validators=[InputRequired("Choose where to send the code.")])


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[InputRequired("Enter the 6-digit code."), Length(max=12)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class InvokeForm(FlaskForm):
    email = BooleanField("E-mail, with the signed notice attached", default=True)
    sms = BooleanField("SMS with the link to the notice")
    whatsapp = BooleanField("WhatsApp, with the signed notice (only together with e-mail)")
    post = BooleanField("Registered or speed post")

    def channels(self) -> set[ChannelKind]:
        return {kind for kind in ChannelKind if getattr(self, kind.value).data}
