"""Forms for serving a notice: the channels to serve on, and the postal steps staff record."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, DateTimeLocalField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from notices.serving.models import ChannelKind
from notices.serving.postal import PostalService, TrackedOutcome
from portal.formfields import choices


class ServeForm(FlaskForm):
    email = BooleanField("E-mail, with the signed PDF attached", default=True)
    sms = BooleanField("SMS with the link to the notice")
    whatsapp = BooleanField("WhatsApp, with the signed PDF (only together with e-mail)")
    post = BooleanField("Registered or speed post (print the notice, envelope and acknowledgement card)")
    escalate_to_odr = BooleanField("If the period to pay ends without an answer, move the case into "
                                   "online dispute resolution and invite the debtor")

    def channels(self) -> set[ChannelKind]:
        return {kind for kind in ChannelKind if getattr(self, kind.value).data}


class PostingForm(FlaskForm):
    article_number = StringField("Article number (from the booking receipt)", validators=[
        InputRequired("Enter the article number from the booking receipt."), Length(max=40)])
    service = SelectField("Service", choices=choices((s.value, s.label) for s in PostalService))
    booked_on = DateField("Booked on", validators=[InputRequired("Enter the booking date on the receipt.")])


class TrackingForm(FlaskForm):
    file = FileField("Tracking record (PDF or screenshot)",
                     validators=[FileRequired("Choose a file to upload.")])
    outcome = SelectField("Its last entry", choices=choices(
        (o.value, label) for o, label in ((TrackedOutcome.IN_TRANSIT, "In transit"),
                                          (TrackedOutcome.DELIVERED, "Item delivered"),
                                          (TrackedOutcome.RETURNED, "Item returned to sender"))),
                          default=TrackedOutcome.IN_TRANSIT.value)
    scanned_at = DateTimeLocalField("Date and time of that entry, as the tracking record shows it (IST)",
                                    format="%Y-%m-%dT%H:%M", validators=[Optional()])


class ReturnedCardForm(FlaskForm):
    file = FileField("Scan of the signed card", validators=[FileRequired("Choose a file to upload.")])
    delivered_on = DateField("Delivered on (as written on the card)",
                             validators=[InputRequired("Enter the date the addressee wrote on the card.")])


class ExpertRequestForm(FlaskForm):
    expert_name = StringField("The expert's name", validators=[
        InputRequired("Name the expert who will give Part B."), Length(max=200)])
    qualification = StringField("Qualification (e.g. Examiner of Electronic Evidence notified under IT Act "
                                "s.79A)", validators=[Optional(), Length(max=300)])


class ExpertCertificateForm(FlaskForm):
    file = FileField("The expert's signed Part B certificate (PDF)",
                     validators=[FileRequired("Choose a file to upload.")])
