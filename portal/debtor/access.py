"""Opening a personal link: the one-time code to an address the notice was served on, then a
session for that one case (a LinkGuest).

Where the code may go: the e-mail or mobile the link's own dispatch used first, then the other
addresses this notice reached (a WhatsApp number gets the code by SMS); a notice served only by post
falls back to the debtor's addresses on the case. The debtor picks one; it is shown masked.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select, true
from sqlalchemy.orm import joinedload

from notices import (
    ChannelKind,
    Dispatch,
    DispatchStatus,
    EventKind,
    Notice,
    ServedDocument,
    record_delivery_event,
)
from portal.cases import Case, ContactKind
from portal.debtor import links
from portal.debtor.models import DebtorLink
from portal.debtor.principal import LinkGuest, parse_session_id
from portal.extensions import db
from portal.i18n import force_locale, gettext
from portal.onetime_codes import Destination, OneTimeCode, issue_and_send, verify
from portal.types import utcnow

PURPOSE = "debtor_link"

# A link session's link (with the case and the case's debtor, which the guest names) and the code
# behind it, in one statement built once: read on every page a debtor opens through its link, where
# two primary-key look-ups and the two lazy loads in guest() were four. A row only when both exist.
_LINK_SESSION = (select(DebtorLink, OneTimeCode)
                 .join(OneTimeCode, true())  # two look-ups side by side, not a product of two tables
                 .options(joinedload(DebtorLink.case, innerjoin=True).joinedload(Case.debtor, innerjoin=True))
                 .where(DebtorLink.id == bindparam("link_id"), OneTimeCode.id == bindparam("code_id")))


def subject(link: DebtorLink) -> str:
    return f"link:{link.id}"


def destinations(link: DebtorLink) -> list[Destination]:
    """Where a code for this link may go, the link's own address first, without repeats."""
    served = list(db.session.scalars(select(Dispatch).where(
        (Dispatch.document_id == link.document_id) if link.document_id is not None
        else (Dispatch.notice_id == link.notice_id), Dispatch.status == DispatchStatus.SENT,
        Dispatch.channel.in_([ChannelKind.EMAIL, ChannelKind.SMS, ChannelKind.WHATSAPP]))
        .order_by(Dispatch.id)))
    served.sort(key=lambda d: d.id != link.dispatch_id)
    out = [Destination("email" if d.channel == ChannelKind.EMAIL else "sms", d.address) for d in served]
    if not out:  # served by post only: the debtor's own addresses on the case
        contacts = sorted(link.case.debtor.contacts, key=lambda c: not c.designated)
        out = [Destination("email" if c.kind == ContactKind.EMAIL else "sms", c.value) for c in contacts]
    seen, unique = set(), []
    for d in out:
        if d not in seen:
            seen.add(d)
            unique.append(d)
    return unique


def destinations_for_link(link_id: int) -> list[Destination]:
    """destinations() of a link by its id; none when the link is gone (settlement signing asks this
    through arbitration.settlement.hooks.link_destinations)."""
    link = db.session.get(DebtorLink, link_id)
    return destinations(link) if link is not None else []


def send_code(link: DebtorLink, choice: int, ip: str, language: str = "en") -> OneTimeCode:
    """Send a code to destinations(link)[choice] (in Hindi with language "hi"); CodeError when
    throttled or the choice is bad."""
    from portal.onetime_codes import CodeError

    options = destinations(link)
    if not 0 <= choice < len(options):
        raise CodeError(gettext("Choose where to send the code."), status=400)
    dest = options[choice]
    with force_locale(language):
        what = _what(link)
    return issue_and_send(PURPOSE, subject(link), dest.channel, dest.address, ip=ip, case=link.case,
                          what=what, language=language)


def _what(link: DebtorLink) -> str:
    """What the link opens, finishing the code's sentence "Your Sulah code to ...": a legal notice,
    the settlement agreement (the parties'), or an arbitral document (the tribunal's award or order)."""
    reference = link.case.reference
    if link.document_id is None:
        return gettext("open the legal notice %(reference)s", reference=reference)
    document = db.session.get(ServedDocument, link.document_id)
    if document is not None and document.kind.value == "settlement":
        return gettext("open the settlement agreement %(reference)s", reference=reference)
    return gettext("open the arbitral document %(reference)s", reference=reference)


def open_with_code(link: DebtorLink, code: str, ip: str, user_agent: str) -> LinkGuest:
    """Check the code (CodeError if wrong); record that the debtor opened the notice through the
    link after proving it holds the address: the strongest proof of service."""
    row = verify(PURPOSE, subject(link), code, ip=ip, case=link.case)
    notice = db.session.get(ServedDocument, link.document_id) if link.document_id is not None \
        else db.session.get(Notice, link.notice_id)
    dispatch = db.session.get(Dispatch, link.dispatch_id) if link.dispatch_id else None
    record_delivery_event(notice, EventKind.VIEWED, source="debtor_link", dispatch=dispatch,
                          detail=f"Opened after the one-time code sent to {row.masked_destination}. "
                                 f"{user_agent[:200]}",
                          raw=f"viewed link {link.id} code {row.id}".encode())
    link.last_used_at = utcnow()
    return guest(link, row)


def guest(link: DebtorLink, row: OneTimeCode) -> LinkGuest:
    return LinkGuest(link_id=link.id, link_case_id=link.case_id, otp_id=row.id,
                     destination=row.masked_destination, debtor_name=link.case.debtor.legal_name)


def load_guest(session_id: str) -> LinkGuest | None:
    """Flask-Login's loader for link sessions: the link must still be live and the code behind the
    session used for it within DEBTOR_SESSION_HOURS."""
    ids = parse_session_id(session_id)
    if ids is None:
        return None
    found = db.session.execute(_LINK_SESSION, {"link_id": ids[0], "code_id": ids[1]}).one_or_none()
    if found is None:
        return None
    link, row = found
    if not links.is_live(link):
        return None
    if row.purpose != PURPOSE or row.subject != subject(link) or row.consumed_at is None:
        return None
    if row.consumed_at + timedelta(hours=current_app.config["DEBTOR_SESSION_HOURS"]) <= utcnow():
        return None
    return guest(link, row)
