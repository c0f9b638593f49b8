"""E-mail about a settlement agreement to the people with accounts whose turn it is: the creditor's
filer and advocate when the other side has agreed, the neutral when both parties have, both of them
when it is complete. Never the terms. The debtor is not mailed from here: contact with the debtor
follows the conduct rules (notices/serving/contact_rules.py), and it sees each step on the settlement page."""
from __future__ import annotations

from flask import render_template

from arbitration.settlement.models import AgreementStatus, SettlementAgreement, SignerSide
from portal.accounts import User
from portal.adapters import MailMessage, queue_mail
from portal.extensions import db
from portal.urls import public_url


def _people(*ids: int | None) -> list[User]:
    users = (db.session.get(User, i) for i in dict.fromkeys(ids) if i is not None)
    return [u for u in users if u is not None and u.active and u.email]


def _send(agreement: SettlementAgreement, people: list[User], subject: str, news: str) -> None:
    case = agreement.case
    url = public_url("settlement.show", reference=case.reference)
    for user in people:
        queue_mail(MailMessage(to=[user.email], subject=f"{case.reference}: {subject}", text=render_template(
            "email/settlement_news.txt", case=case, user=user, news=news, url=url)))


def after_agreement(agreement: SettlementAgreement, side: SignerSide) -> None:
    """Queue (after commit) the mail that `side` agreeing calls for."""
    case = agreement.case
    creditor_side = _people(case.created_by_id, case.advocate_id)
    if agreement.status == AgreementStatus.SIGNED:
        people = creditor_side + (_people(case.neutral_id) if agreement.neutral_required else [])
        _send(agreement, [p for p in people if p.id != agreement.signature_of(side).user_id],
              "the settlement agreement is complete",
              "Everyone has agreed to the settlement agreement; the sealed agreement can be downloaded")
        return
    done = {s.side for s in agreement.signatures}
    if side != SignerSide.CREDITOR and SignerSide.CREDITOR not in done:
        _send(agreement, creditor_side, "the settlement agreement awaits you",
              "The debtor has accepted the settlement agreement; it now awaits your side")
    elif agreement.neutral_required and {SignerSide.CREDITOR, SignerSide.DEBTOR} <= done:
        _send(agreement, _people(case.neutral_id), "the settlement agreement awaits your authentication",
              "Both parties have agreed to the settlement agreement; it awaits your authentication")
