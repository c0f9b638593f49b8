"""E-mails of the arbitral proceedings to the parties: a hearing scheduled (when, and the video link),
a procedural order issued, a calendar step falling due. Queued to go after the commit (mail.queue)."""
from __future__ import annotations

from flask import current_app, render_template

from arbitration.proceedings.models import Hearing, ProceduralOrder, ProceedingParty
from portal.accounts import User
from portal.adapters import MailMessage, queue_mail
from portal.cases import Case, ContactKind
from portal.extensions import db


def page_url(case: Case) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/arbitration/{case.reference}/proceedings"


def recipients(case: Case, party: ProceedingParty) -> list[str]:
    """The claimant's filer and advocate, or the respondent's e-mail addresses (designated first)."""
    if party == ProceedingParty.RESPONDENT:
        return [c.value for c in sorted(case.debtor.contacts, key=lambda c: not c.designated)
                if c.kind == ContactKind.EMAIL]
    creator = db.session.get(User, case.created_by_id)
    return [u.email for u in (creator, case.advocate) if u is not None and u.email]


def _to_both(case: Case, subject: str, template: str, *, respondent: bool = True, **context) -> int:
    sent = 0
    for party in ProceedingParty if respondent else (ProceedingParty.CLAIMANT,):
        to = recipients(case, party)
        if to:
            text = render_template(template, case=case, url=page_url(case), **context)
            queue_mail(MailMessage(to=to, subject=f"{case.reference}: {subject}", text=text))
            sent += len(to)
    return sent


def hearing_scheduled(case: Case, hearing: Hearing) -> int:
    return _to_both(case, "arbitration hearing scheduled", "email/proceedings_hearing.txt", hearing=hearing)


def order_issued(case: Case, order: ProceduralOrder, *, respondent: bool = True) -> int:
    """The claimant's people, and the respondent only when the order was not served on it as a
    document of its own (arbitration/proceedings/procedural_orders.py)."""
    return _to_both(case, f"Procedural Order No. {order.number}", "email/proceedings_order.txt",
                    respondent=respondent, order=order)
