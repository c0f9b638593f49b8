"""Forms for serving a notice: the channels to serve on, and the postal steps staff record."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, DateTimeLocalField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from notices.serving.models import ChannelKind
from notices.serving.postal import PostalService, TrackedOutcome
from portal.formfields import choices
from portal.i18n import lazy_gettext as _l
from portal.web.forms import PageForm


class ServeForm(PageForm):
    email = BooleanField(_l("E-mail, with the signed PDF attached"), default=True)
    sms = BooleanField(_l("SMS with the link to the notice"))
    whatsapp = BooleanField(_l("WhatsApp, with the signed PDF (only together with e-mail)"))
    post = BooleanField(_l("Registered or speed post (print the notice, envelope and acknowledgement card)"))
    escalate_to_odr = BooleanField(_l("If the period to pay ends without an answer, move the case into "
                                      "online dispute resolution and invite the debtor"))

    def channels(self) -> set[ChannelKind]:
        return {kind for kind in ChannelKind if getattr(self, kind.value).data}


class PostingForm(PageForm):
    article_number = StringField(_l("Article number (from the booking receipt)"), validators=[
        InputRequired(_l("Enter the article number from the booking receipt.")), Length(max=40)])
    service = SelectField(_l("Service"), choices=choices((s.value, _l(s.label)) for s in PostalService))
    booked_on = DateField(_l("Booked on"),
                          validators=[InputRequired(_l("Enter the booking date on the receipt."))])


class TrackingForm(PageForm):
    file = FileField(_l("Tracking record (PDF or screenshot)"),
                     validators=[FileRequired(_l("Choose a file to upload."))])
    outcome = SelectField(_l("Its last entry"), choices=choices(
        (o.value, label) for o, label in ((TrackedOutcome.IN_TRANSIT, _l("In transit")),
                                          (TrackedOutcome.DELIVERED, _l("Item delivered")),
                                          (TrackedOutcome.RETURNED, _l("Item returned to sender")))),
                          default=TrackedOutcome.IN_TRANSIT.value)
    scanned_at = DateTimeLocalField(_l("Date and time of that entry, as the tracking record shows it (IST)"),
                                    format="%Y-%m-%dT%H:%M", validators=[Optional()])


class ReturnedCardForm(PageForm):
    file = FileField(_l("Scan of the signed card"), validators=[FileRequired(_l("Choose a file to upload."))])
    delivered_on = DateField(_l("Delivered on (as written on the card)"), validators=[
        InputRequired(_l("Enter the date the addressee wrote on the card."))])


class ExpertRequestForm(PageForm):
    expert_name = StringField(_l("The expert's name"), validators=[
        InputRequired(_l("Name the expert who will give Part B.")), Length(max=200)])
    qualification = StringField(_l("Qualification (e.g. Examiner of Electronic Evidence notified under "
                                   "IT Act s.79A)"), validators=[Optional(), Length(max=300)])


class ExpertCertificateForm(PageForm):
    file = FileField(_l("The expert's signed Part B certificate (PDF)"),
                     validators=[FileRequired(_l("Choose a file to upload."))])
