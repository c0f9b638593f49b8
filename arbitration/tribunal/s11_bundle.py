"""The s.11 application bundle: where the institution may not appoint (the agreement does not name it
and the parties have not both agreed in writing), a party applies to the court under A&C s.11(5)
(sole arbitrator, no agreement within thirty days of the request) or s.11(6) (an agreed procedure
failed). The bundle gathers the facts such an application states, from the case's own record: the
arbitration agreement (s.7), the notice invoking arbitration and its receipt (s.21), the proposals
that were not agreed, and the names proposed; with the agreement and the signed notice attached.
It is the party's material for its counsel, not a pleading."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from arbitration.invocation.notice import commenced_on, received_at, served_notice
from arbitration.tribunal import appointments, authority
from arbitration.tribunal.models import Appointment, AppointmentHow
from evidence import store
from portal.cases import Case
from portal.pdf import render_pdf
from portal.types import to_ist

AGREE_DAYS = 30  # s.11(5): thirty days from receipt of a request by one party from the other to agree


@dataclass(frozen=True)
class Facts:
    case: Case
    basis_text: str
    notice_signed_on: date | None
    notice_received: datetime | None
    commenced: date | None
    agree_by: date | None            # the thirty days of s.11(5), from the receipt of the request
    proposals: list[Appointment]     # names one party put forward, with what became of them
    court_route: str
    prepared_on: date


def _basis_text(case: Case) -> str:
    basis = getattr(case, "arbitration_basis", None)
    if basis is None:
        return "No arbitration agreement is recorded in the case."
    if basis.kind.value == "clause":
        name = basis.document.original_filename if basis.document is not None else "the agreement"
        page = f", page {basis.page}" if basis.page else ""
        return f"The arbitration clause in {name}{page}: “{basis.clause_text}”. Seat: {basis.seat}."
    if basis.kind.value == "submission_agreement":
        return f"The submission agreement accepted online by both parties. Seat: {basis.seat}."
    return "The claim is under the MSMED Act; the Facilitation Council, not a court, appoints (s.18)."


def facts(case: Case, today: date) -> Facts:
    notice = served_notice(case)
    received = received_at(case)
    proposals = [a for a in appointments.appointments_for(case) if a.how == AppointmentHow.AGREED]
    signed_on = to_ist(notice.signed_at).date() if notice is not None and notice.signed_at else None
    return Facts(case=case, basis_text=_basis_text(case), notice_signed_on=signed_on,
                 notice_received=received, commenced=commenced_on(case),
                 agree_by=(to_ist(received).date() + timedelta(days=AGREE_DAYS)) if received else None,
                 proposals=proposals, court_route=authority.COURT_ROUTE, prepared_on=today)


def _read(sha256: str) -> bytes:
    with store().open(sha256) as fh:
        return fh.read()


def build(case: Case, today: date) -> bytes:
    """The zip: the facts as a PDF, the agreement relied on and the signed s.21 notice."""
    found = facts(case, today)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("01-s11-application-facts.pdf", render_pdf("pdf/s11_application.html", f=found))
        basis = getattr(case, "arbitration_basis", None)
        if basis is not None and basis.document is not None:
            bundle.writestr(f"02-agreement-{basis.document.filename}", _read(basis.document.sha256))
        elif basis is not None and (basis.sealed_sha256 or basis.agreement_sha256):
            agreement = _read(basis.sealed_sha256 or basis.agreement_sha256)
            bundle.writestr("02-submission-agreement.pdf", agreement)
        notice = served_notice(case)
        if notice is not None and notice.signed_pdf_sha256:
            bundle.writestr(f"03-s21-notice-{case.reference}.pdf", _read(notice.signed_pdf_sha256))
    return out.getvalue()
