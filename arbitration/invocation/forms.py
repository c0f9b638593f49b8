"""The forms of the invocation pages: the clause pointed to, the seat of a submission agreement,
the one-time code to accept it, and the channels the s.21 notice is served by."""
from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from arbitration.invocation import basis as bases
from notices import ChannelKind
from portal.i18n import lazy_gettext as _l
from portal.web.forms import IntegerField, PageForm


class ClauseForm(PageForm):
    document_id = SelectField(_l("Document containing the arbitration clause"), coerce=int,
                              validators=[InputRequired(_l("Choose the document."))])
    page = IntegerField(_l("Page number"), validators=[InputRequired(_l("Give the page number.")),
                                                       NumberRange(min=1, max=bases.MAX_PAGE)])
    clause_text = TextAreaField(_l("The clause, quoted as written"), validators=[
        InputRequired(_l("Quote the clause.")), Length(min=bases.CLAUSE_MIN, max=bases.CLAUSE_MAX)])
    seat = StringField(_l("Seat of arbitration"),
                       validators=[InputRequired(_l("Name the seat.")), Length(max=120)])


class SeatForm(PageForm):
    seat = StringField(_l("Seat of arbitration"),
                       validators=[InputRequired(_l("Name the seat.")), Length(max=120)])


class SendCodeForm(PageForm):
    destination = RadioField(_l("Send the code to"), coerce=int,
                             validators=[InputRequired(_l("Choose where to send the code."))])


class CodeForm(PageForm):
    code = StringField(_l("Code"), validators=[InputRequired(_l("Enter the 6-digit code.")), Length(max=12)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class InvokeForm(PageForm):
    email = BooleanField(_l("E-mail, with the signed notice attached"), default=True)
    sms = BooleanField(_l("SMS with the link to the notice"))
    whatsapp = BooleanField(_l("WhatsApp, with the signed notice (only together with e-mail)"))
    post = BooleanField(_l("Registered or speed post"))

    def channels(self) -> set[ChannelKind]:
        return {kind for kind in ChannelKind if getattr(self, kind.value).data}
