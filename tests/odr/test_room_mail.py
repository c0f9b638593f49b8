"""Room members with an account hear of a new message by mail once per unread stretch, without its
content; an author's own side is not mailed, and the debtor is never mailed from the room."""
from __future__ import annotations

from arbitration.odr import room
from arbitration.odr.models.room import Channel
from portal.cases.states import CaseStatus
from portal.database import commit
from tests.odr.helpers import room_case


def mails_to(outbox, address: str) -> list:
    return [m for m in outbox() if address in m["To"]]


def test_one_mail_per_unread_stretch_and_never_the_text(db_session, outbox):
    w, case = room_case()
    room.post_message(w.debtor, case, Channel.ROOM, "CONFIDENTIAL we can pay 50,000")
    room.post_message(w.debtor, case, Channel.ROOM, "Second message before anyone read")
    commit()
    filer = mails_to(outbox, w.creditor_admin.email)
    assert len(filer) == 1 and filer[0]["Subject"] == f"{case.reference}: a new message in the ODR room"
    assert "CONFIDENTIAL" not in filer[0].get_body(("plain",)).get_content()
    assert len(mails_to(outbox, w.neutral.email)) == 1 and len(mails_to(outbox, w.advocate.email)) == 1
    # Once the filer has read, the next message is worth a mail again.
    room.mark_read(w.creditor_admin, case, Channel.ROOM, room.messages(case, Channel.ROOM)[-1].id)
    room.post_message(w.debtor, case, Channel.ROOM, "Third")
    commit()
    assert len(mails_to(outbox, w.creditor_admin.email)) == 2
    # The creditor's side writing mails nobody on its own side, and never the debtor.
    room.post_message(w.creditor_staff, case, Channel.ROOM, "Noted.")
    commit()
    assert len(mails_to(outbox, w.creditor_admin.email)) == 2
    assert not mails_to(outbox, w.debtor.email)


def test_a_caucus_message_reaches_only_the_neutral_or_its_own_side(db_session, outbox):
    w, case = room_case(CaseStatus.IN_CONCILIATION)
    room.post_message(w.debtor, case, Channel.CAUCUS_DEBTOR, "Only for the conciliator")
    commit()
    (to_neutral,) = mails_to(outbox, w.neutral.email)
    assert "a private session" in to_neutral["Subject"]
    assert "side=debtor" in to_neutral.get_body(("plain",)).get_content()
    assert not mails_to(outbox, w.creditor_admin.email) and not mails_to(outbox, w.advocate.email)
    room.post_message(w.neutral, case, Channel.CAUCUS_CREDITOR, "To the creditor alone")
    commit()
    assert len(mails_to(outbox, w.creditor_admin.email)) == 1 and not mails_to(outbox, w.debtor.email)
