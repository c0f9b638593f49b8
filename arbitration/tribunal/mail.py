"""E-mail around the tribunal: the neutral's invitation to accept an appointment, the written notice of
appointment from whose receipt s.23(4) runs. Everything else the tribunal's steps tell people goes
through portal.notifications (its rules react to the "arbitration.*" audit events)."""
from __future__ import annotations

from flask import render_template

from arbitration.tribunal.models import Appointment
from portal.adapters import MailMessage, queue_mail
from portal.urls import public_url


def invited(appointment: Appointment) -> None:
    neutral, case = appointment.neutral, appointment.case
    url = public_url("tribunal.invitation", appointment_id=appointment.id)
    queue_mail(MailMessage(
        to=[neutral.email], subject=f"{case.reference}: you are asked to act as arbitrator",
        text=render_template("email/tribunal_invited.txt", case=case, neutral=neutral,
                             appointment=appointment, url=url)))
