"""E-mail from the ODR room to people with an account when something waits for them: a new message
after they had read everything in that conversation (one mail per unread stretch, never one per
message) and a conciliator's appointment. Moves on offers and blind bidding are told by
portal.notifications (its rules react to the "offer.*", "proposal.*" and "bidding.*" audit events).
Mails say that there is something, never what, the terms or a figure: the room is confidential.
The debtor is not mailed from here; contact with the debtor follows the conduct rules
(quiet hours, caps) kept by the notices package, and the debtor sees each result on its page."""
from __future__ import annotations

from flask import render_template

from arbitration.odr.models.room import Channel, Message
from portal.accounts import Side, User
from portal.adapters import MailMessage, queue_mail
from portal.cases import Case
from portal.extensions import db
from portal.urls import public_url

CREDITOR_CHANNELS = frozenset({Channel.ROOM, Channel.CAUCUS_CREDITOR})

def _people(*ids: int | None) -> list[User]:
    users = (db.session.get(User, i) for i in dict.fromkeys(ids) if i is not None)
    return [u for u in users if u is not None and u.active and u.email]


def recipients(case: Case, message: Message) -> list[User]:
    """Who hears of this message: the creditor's filer and advocate for the room and their own
    caucus, the neutral for anything a party writes; never its author's own side."""
    ids: list[int | None] = []
    if message.channel in CREDITOR_CHANNELS and message.author_side != Side.CREDITOR:
        ids += [case.created_by_id, case.advocate_id]
    if message.author_side != Side.NEUTRAL:
        ids.append(case.neutral_id)
    return [u for u in _people(*ids) if u.id != message.author_id]


def message_posted(case: Case, message: Message) -> None:
    """Queue (after commit) a mail to each recipient for whom this is the first unread message."""
    from arbitration.odr.room import unread_count

    private = message.channel != Channel.ROOM
    endpoint = "odr.caucus" if private else "odr.room"
    where = "a private session" if private else "the ODR room"
    for user in recipients(case, message):
        if unread_count(user, case, message.channel) != 1:
            continue  # already told about an earlier unread message: no persistent messaging
        # The neutral chooses between the sessions by `side`; a party's own session ignores it.
        values = {"side": message.channel.value.split(":")[1]} if private else {}
        url = public_url(endpoint, reference=case.reference, **values)
        queue_mail(MailMessage(
            to=[user.email], subject=f"{case.reference}: a new message in {where}",
            text=render_template("email/odr_new_message.txt", case=case, user=user, where=where, url=url)))


def neutral_appointed(case: Case, neutral: User) -> None:
    queue_mail(MailMessage(
        to=[neutral.email], subject=f"{case.reference}: you are appointed conciliator",
        text=render_template("email/odr_neutral_appointed.txt", case=case, neutral=neutral,
                             url=public_url("odr.room", reference=case.reference),
                             accept_url=public_url("odr.accept_conciliation", reference=case.reference))))
