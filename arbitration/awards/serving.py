"""Serving the signed award on each party (A&C s.31(5)), the s.34 challenge window that runs from each
party's receipt, and closing the case afterwards (s.36: enforceable as a decree) or on payment.

The respondent's copy is a served document in its own right (notices/serving/documents.py, kind
"award"), sent in the tribunal's name with its own words and attachment name through the dispatch
pipeline: the contact rules, the delivery timeline, the receipt rule and the delivery-proof
certificate, as for a notice, with no Notice row posing as one. The claimant
takes part through its Sulah account (its designated resource, IT Act s.13(2)(a)): the signed copy
is placed there and its staff are told by e-mail, so it is received when signed and served.
"""
from __future__ import annotations

from datetime import date

from flask import current_app, render_template

from arbitration.awards import rules as award_rules
from arbitration.awards.models import Award, AwardService, AwardSide, AwardStatus
from arbitration.awards.states import AWARD
from arbitration.proceedings.language import proceedings_language
from notices import (
    ChannelKind,
    DocumentKind,
    ServedDocument,
    create_served_document,
    receipt_for_notice,
    serve_notice,
)
from portal import audit, lifecycle
from portal.accounts import User
from portal.adapters import MailMessage, queue_mail
from portal.cases import Case, CaseStatus, ContactKind, fire
from portal.errors import DomainError
from portal.extensions import db
from portal.types import IST
from portal.web.labels import label

ENFORCEMENT_NOTE = ("The time for making an application to set the award aside under section 34 has "
                    "expired and no such application was recorded; the award is enforceable under the "
                    "Code of Civil Procedure, 1908 as if it were a decree of the court (section 36).")


def _award_document(actor, award: Award) -> ServedDocument:
    """The signed award as a served document (one per award), in the tribunal's name."""
    if award.served_document_id is not None:
        return db.session.get(ServedDocument, award.served_document_id)
    case = award.case
    arbitrator = case.neutral.name if case.neutral else ""
    document = create_served_document(
        actor, case, DocumentKind.AWARD, award.id, sender="the arbitral tribunal", signatory=arbitrator,
        signed_at=award.signed_at, signed_pdf_sha256=award.signed_pdf_sha256,
        language=proceedings_language(case))
    db.session.flush()
    award.served_document_id = document.id
    return document


def _channels(case: Case) -> set[ChannelKind]:
    if any(c.kind == ContactKind.EMAIL for c in case.debtor.contacts):
        return {ChannelKind.EMAIL}
    if (case.debtor.postal_address or "").strip():
        return {ChannelKind.POST}
    raise DomainError("The respondent has no e-mail or postal address on the case; add one, then serve.")


def serve(actor, award: Award) -> None:
    """Serve the signed copy on each party (DomainError, and nothing kept, when the respondent has no
    address: signing and serving are one transaction)."""
    if award.status != AwardStatus.SIGNED:
        raise DomainError("Only a signed award, not yet served, can be served.")
    case = award.case
    channels = _channels(case)
    document = _award_document(actor, award)
    created = serve_notice(actor, document, channels)
    sides = {s.side for s in award.services}
    if AwardSide.RESPONDENT not in sides:
        route = ", ".join(sorted(f"{label(d.channel)} to {d.address}" for d in created))  # e-mail, not email
        award.services.append(AwardService(side=AwardSide.RESPONDENT, route=f"Sulah dispatch: {route}"[:200]))
    if AwardSide.CLAIMANT not in sides:
        staff = _claimant_people(case)
        award.services.append(AwardService(
            side=AwardSide.CLAIMANT, route="The claimant's Sulah account (e-mailed to "
            f"{', '.join(u.email for u in staff) or 'no one'})"[:200], received_at=award.signed_at))
        _tell_claimant(case, staff)
    lifecycle.fire(AWARD, award, "served", actor, case=case, payload={
        "award_id": award.id, "served_document_id": document.id, "dispatch_ids": [d.id for d in created]})


def _claimant_people(case: Case) -> list[User]:
    people = [db.session.get(User, case.created_by_id)]
    if case.advocate_id:
        people.append(db.session.get(User, case.advocate_id))
    return [u for u in people if u is not None and u.email]


def _tell_claimant(case: Case, people: list[User]) -> None:
    if not people:
        return
    url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/arbitration/{case.reference}/award"
    queue_mail(MailMessage(to=[u.email for u in people], subject=f"{case.reference}: the signed award",
                            text=render_template("email/award_served_claimant.txt", case=case, url=url)))


def received_at(award: Award, side: AwardSide):
    """When the party received the signed copy (UTC), or None yet."""
    service = next((s for s in award.services if s.side == side), None)
    if service is None:
        return None
    if service.received_at is not None or side == AwardSide.CLAIMANT or award.served_document_id is None:
        return service.received_at
    # The respondent's copy went through the dispatch pipeline: receipt, not dispatch, starts s.34(3).
    return receipt_for_notice(db.session.get(ServedDocument, award.served_document_id)).at


def windows(award: Award) -> list[tuple[AwardSide, date | None, award_rules.ChallengeWindow | None]]:
    """Each party's receipt day (IST) and s.34 window; None while its receipt is not shown."""
    out = []
    for side in (AwardSide.CLAIMANT, AwardSide.RESPONDENT):
        moment = received_at(award, side)
        day = moment.astimezone(IST).date() if moment is not None else None
        window = award_rules.challenge_window(day, award.court_extension_days) if day else None
        out.append((side, day, window))
    return out


def record_challenge(actor, award: Award, filed_on: date, note: str, today: date) -> None:
    if award.status != AwardStatus.SERVED:
        raise DomainError("A challenge can be recorded only against a served award.")
    if filed_on > today:
        raise DomainError("The date of filing cannot be in the future.")
    note = (note or "").strip()
    if not note:
        raise DomainError("Say which court and the petition's number.")
    award.challenge_filed_on, award.challenge_note = filed_on, note[:2000]
    db.session.flush()
    audit.record("award.challenge_recorded", actor=actor, case=award.case, payload={
        "award_id": award.id, "filed_on": filed_on.isoformat(), "note": award.challenge_note})


def record_extension(actor, award: Award, days: int) -> None:
    if award.status != AwardStatus.SERVED:
        raise DomainError("The award has not been served yet.")
    if not 0 < days <= award_rules.MAX_COURT_EXTENSION_DAYS:
        raise DomainError("A court may extend the s.34 period by 1 to 30 days, no more.")
    award.court_extension_days = days
    db.session.flush()
    audit.record("award.court_extension", actor=actor, case=award.case, payload={
        "award_id": award.id, "days": days})


def close_refusal(award: Award, case: Case, today: date) -> str | None:
    """Why the case cannot be closed on this award now, or None."""
    if award.status != AwardStatus.SERVED:
        return "The award has not been served yet."
    if case.status == CaseStatus.PAID:
        return None
    if case.status != CaseStatus.AWARDED:
        return "Only an awarded or paid case is closed here."
    if award.challenge_filed_on is not None:
        return "A challenge under s.34 was recorded: the case stays open until the court decides."
    found = windows(award)
    for side, _day, window in found:
        if window is None:
            return f"The {side.value}'s receipt of the award is not shown yet."
    for _side, _day, window in found:
        if window.state(today) == "open":
            return f"The s.34 window is open until {window.closes_on:%d %b %Y}."
    return None


def close(actor, award: Award, today: date, note: str = "") -> None:
    """Close after payment, or after the s.34 windows with no challenge (with the s.36 note)."""
    case = award.case
    reason = close_refusal(award, case, today)
    if reason:
        raise DomainError(reason)
    paid = case.status == CaseStatus.PAID
    award.closing_note = (note or "").strip()[:2000] or (
        "The award was paid." if paid else ENFORCEMENT_NOTE)
    fire(case, "close", actor, payload={"award_id": award.id, "note": award.closing_note,
                                        "ground": "paid" if paid else "s34_expired"})
