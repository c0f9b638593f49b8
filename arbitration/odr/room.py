"""The ODR room's use-cases: who reads which channel, posting a message (with an attachment through
the evidence pipeline), threading, and each reader's read marker and unread count."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from arbitration.odr import mail as room_mail
from arbitration.odr.models.room import Channel, Message, ReadMarker
from evidence import Audience, DocumentKind, add_document
from portal import audit
from portal.accounts import Side, side_of
from portal.cases import Case
from portal.extensions import db
from portal.i18n import gettext
from portal.types import utcnow

MAX_BODY = 4000
CAUCUS_OF_SIDE = {Side.CREDITOR: Channel.CAUCUS_CREDITOR, Side.DEBTOR: Channel.CAUCUS_DEBTOR}
# A caucus attachment is for the neutral and that side only: the evidence store keeps it so.
AUDIENCE_OF_CHANNEL = {Channel.ROOM: Audience.ALL, Channel.CAUCUS_CREDITOR: Audience.CREDITOR,
                       Channel.CAUCUS_DEBTOR: Audience.DEBTOR}


class MessageRefused(ValueError):
    """The message was not posted; the text is safe to show and nothing was kept."""


@dataclass
class Thread:
    """A message and the replies under it, oldest first."""

    message: Message
    replies: list[Thread] = field(default_factory=list)


@dataclass(frozen=True)
class Attachment:
    stream: BinaryIO
    filename: str


def actor_side(actor: Any, case: Case) -> Side | None:
    """The side the actor writes for (a LinkGuest is the debtor of its own case); None for the
    platform admin, who observes, and for strangers."""
    return side_of(actor, case)


def reader_key(actor: Any) -> str:
    """Whose read marker: a user's own, or the one marker of the debtor's personal link."""
    return "debtor:link" if actor.id is None else f"user:{actor.id}"


def caucus_channel(actor: Any, case: Case, chosen: str | None) -> Channel:
    """The caucus channel the actor may use: the neutral picks a side; a party only ever gets its own,
    whatever it asks for (so one side can never reach the other's private session)."""
    side = actor_side(actor, case)
    if side == Side.NEUTRAL:
        return CAUCUS_OF_SIDE[Side(chosen) if chosen in (Side.CREDITOR, Side.DEBTOR) else Side.CREDITOR]
    if side in CAUCUS_OF_SIDE:
        return CAUCUS_OF_SIDE[side]
    raise MessageRefused("Only the conciliator and the parties take part in private sessions.")


def author_name(actor: Any, case: Case) -> str:
    if actor.id is None:  # the debtor through its link: its business name is what the room knows it by
        return f"{case.debtor.legal_name} (debtor)"[:200]
    return actor.name[:200]


def messages(case: Case, channel: Channel, *, after: int = 0) -> list[Message]:
    return list(db.session.scalars(select(Message).where(
        Message.case_id == case.id, Message.channel == channel, Message.id > after).order_by(Message.id)))


def threads(items: list[Message]) -> list[Thread]:
    """Nest replies under their parent; a reply whose parent is not in `items` stands on its own."""
    nodes = {m.id: Thread(m) for m in items}
    roots: list[Thread] = []
    for m in items:
        parent = nodes.get(m.reply_to_id) if m.reply_to_id else None
        (parent.replies if parent else roots).append(nodes[m.id])
    return roots


def _reply_target(case: Case, channel: Channel, reply_to_id: int | None) -> Message | None:
    if reply_to_id is None:
        return None
    parent = db.session.get(Message, reply_to_id)
    if parent is None or parent.case_id != case.id or parent.channel != channel:
        raise MessageRefused(gettext("The message you replied to is not in this conversation."))
    return parent


def post_message(actor: Any, case: Case, channel: Channel, body: str, *, reply_to_id: int | None = None,
                 attachment: Attachment | None = None) -> Message:
    """Post to the room or a caucus; flushes. Raises MessageRefused (or the evidence pipeline's
    UploadRefused) with nothing kept. Callers have checked the actor may write in `channel`."""
    side = actor_side(actor, case)
    if side is None:
        raise MessageRefused("Only the parties and the neutral write in the ODR room.")
    text = (body or "").strip()
    if not text:
        raise MessageRefused(gettext("Write a message before sending."))
    if len(text) > MAX_BODY:
        raise MessageRefused(gettext("A message can be at most %(most)s characters; this one has %(count)s.",
                                     most=MAX_BODY, count=len(text)))
    parent = _reply_target(case, channel, reply_to_id)
    document = None
    if attachment is not None:
        document = add_document(actor, case, attachment.stream, attachment.filename,
                                         DocumentKind.CORRESPONDENCE, f"Attached to a message in the ODR "
                                         f"{'room' if channel == Channel.ROOM else 'private session'}",
                                         audience=AUDIENCE_OF_CHANNEL[channel])
    message = Message(case_id=case.id, channel=channel, author_id=actor.id, author_side=side,
                      author_name=author_name(actor, case), body=text,
                      reply_to_id=parent.id if parent else None,
                      document_id=document.id if document else None)
    db.session.add(message)
    db.session.flush()
    # The ledger records that something was said, never what: the audit trail is shown to more
    # people than a caucus is.
    audit.record("odr.message_posted", actor=actor, case=case, payload={
        "message_id": message.id, "channel": channel.value, "side": side.value,
        "reply_to": message.reply_to_id, "document_id": message.document_id})
    mark_read(actor, case, channel, message.id)
    room_mail.message_posted(case, message)
    return message


def _marker(actor: Any, case: Case, channel: Channel) -> ReadMarker | None:
    return db.session.scalar(select(ReadMarker).where(
        ReadMarker.case_id == case.id, ReadMarker.channel == channel,
        ReadMarker.reader_key == reader_key(actor)))


def last_read(actor: Any, case: Case, channel: Channel) -> int:
    marker = _marker(actor, case, channel)
    return marker.last_read_id if marker else 0


def mark_read(actor: Any, case: Case, channel: Channel, up_to_id: int) -> None:
    """Move the reader's marker forward to `up_to_id` (never back: an old tab must not un-read)."""
    if up_to_id <= 0:
        return
    marker = _marker(actor, case, channel) or _new_marker(actor, case, channel)
    if up_to_id > marker.last_read_id:
        marker.last_read_id, marker.updated_at = up_to_id, utcnow()
    db.session.flush()


def _new_marker(actor: Any, case: Case, channel: Channel) -> ReadMarker:
    """Insert the reader's marker; if a parallel request (the page's poller) just did, use that one."""
    marker = ReadMarker(case_id=case.id, channel=channel, reader_key=reader_key(actor), last_read_id=0)
    try:
        with db.session.begin_nested():
            db.session.add(marker)
    except IntegrityError:
        marker = _marker(actor, case, channel)
    return marker


def unread_count(actor: Any, case: Case, channel: Channel) -> int:
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.case_id == case.id, Message.channel == channel,
        Message.id > last_read(actor, case, channel))) or 0


def readable_caucuses(actor: Any, case: Case) -> list[Channel]:
    """The caucus channels this actor reads: the neutral both, a party its own, anyone else none."""
    side = actor_side(actor, case)
    if side == Side.NEUTRAL:
        return [Channel.CAUCUS_CREDITOR, Channel.CAUCUS_DEBTOR]
    return [CAUCUS_OF_SIDE[side]] if side in CAUCUS_OF_SIDE else []
