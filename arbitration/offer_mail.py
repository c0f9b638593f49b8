"""E-mail to the creditor's filer and advocate when the other side (or the conciliator) moves on
offers or blind bidding: that something waits, never the terms or a figure. The debtor is not
mailed from here; contact with the debtor follows the conduct rules kept by the notices package,
and the debtor sees each result on the page it is using."""
from __future__ import annotations

from flask import render_template

from portal.accounts.models import User
from portal.accounts.policy import Side
from portal.adapters import mail
from portal.cases.models import Case
from portal.extensions import db
from portal.urls import public_url

NEWS = {
    "offer": ("a new offer in the ODR room", "made an offer", "offers.list_offers"),
    "proposal": ("the conciliator's proposal", "made a proposal to both parties", "offers.list_offers"),
    "answer": ("your offer was answered", "answered your offer", "offers.list_offers"),
    "bidding": ("blind bidding", "moved in blind bidding", "offers.bidding"),
}
WHO = {Side.DEBTOR: "The debtor", Side.NEUTRAL: "The conciliator"}


def _people(*ids: int | None) -> list[User]:
    users = (db.session.get(User, i) for i in dict.fromkeys(ids) if i is not None)
    return [u for u in users if u is not None and u.active and u.email]


def tell_creditor_side(case: Case, actor_side: Side | None, kind: str) -> None:
    """Queue (after commit) one short mail to each of the creditor's people with an account."""
    if actor_side == Side.CREDITOR or actor_side is None:
        return  # they did it themselves and saw the result on the page
    subject, did, endpoint = NEWS[kind]
    url = public_url(endpoint, reference=case.reference)
    for user in _people(case.created_by_id, case.advocate_id):
        mail.queue(mail.Message(
            to=[user.email], subject=f"{case.reference}: {subject}",
            text=render_template("email/odr_offer_news.txt", case=case, user=user,
                                 who=WHO.get(actor_side, "The other side"), did=did, url=url)))
