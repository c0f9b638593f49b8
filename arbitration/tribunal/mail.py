"""E-mail around the tribunal: the neutral's invitation to accept an appointment, and a challenge
waiting for the arbitrator's decision. (Mails to the parties go through disclosure.tell_parties.)"""
from __future__ import annotations

from flask import render_template

from arbitration.tribunal.models import Appointment
from portal.adapters import mail
from portal.urls import public_url


def invited(appointment: Appointment) -> None:
    neutral, case = appointment.neutral, appointment.case
    url = public_url("tribunal.invitation", appointment_id=appointment.id)
    mail.queue(mail.Message(
        to=[neutral.email], subject=f"{case.reference}: you are asked to act as arbitrator",
        text=render_template("email/tribunal_invited.txt", case=case, neutral=neutral,
                             appointment=appointment, url=url)))


def challenged(appointment: Appointment) -> None:
    neutral, case = appointment.neutral, appointment.case
    url = public_url("tribunal.show", reference=case.reference)
    mail.queue(mail.Message(
        to=[neutral.email], subject=f"{case.reference}: a party challenges your appointment",
        text=render_template("email/tribunal_challenged.txt", case=case, neutral=neutral, url=url)))
