"""The ODR room's messages: threaded posts with attachments through the evidence pipeline, refusals
of bad input with nothing kept, the polling feed, and each reader's unread marker."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from arbitration.odr import room
from arbitration.odr.models.room import Channel, Message, ReadMarker
from evidence.models import Audience, Document
from evidence.models import Side as DocSide
from portal.audit import AuditEvent
from portal.extensions import db
from tests.conftest import csrf_for
from tests.odr.helpers import post_message, room_case


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def world(db_session):
    return room_case()


def test_a_reply_with_an_attachment_sits_under_its_parent_and_the_other_side_downloads_it(client, auth, world):
    w, case = world
    auth.login_as(w.creditor_staff)
    first = post_message(client, case, "We can give you 60 days for the balance.")
    assert first.status_code == 302
    parent = db.session.scalar(select(Message).where(Message.case_id == case.id))
    assert first.headers["Location"].endswith(f"/odr/{case.reference}#m{parent.id}")

    auth.login_as(w.debtor)
    content = b"Our bank statement shows NEFT UTR 1234 for 40,000.\n"
    reply = post_message(client, case, "Part was already paid: see the statement.", reply_to=parent.id,
                         file=(content, "statement.txt"))
    assert reply.status_code == 302, reply.get_data(as_text=True)
    answer = db.session.scalar(select(Message).where(Message.reply_to_id == parent.id))
    assert answer.author_side.value == "debtor" and answer.author_id == w.debtor.id
    doc = db.session.get(Document, answer.document_id)
    assert (doc.side, doc.audience, doc.case_id, doc.filename) == (DocSide.DEBTOR, Audience.ALL, case.id,
                                                                   "statement.txt")

    auth.login_as(w.creditor_admin)
    page = client.get(f"/odr/{case.reference}").get_data(as_text=True)
    # The reply is rendered inside its parent's list of replies.
    replies = re.search(rf'data-replies-of="{parent.id}">(.*?)</ol>', page, re.S).group(1)
    assert f'id="m{answer.id}"' in replies and "Part was already paid" in replies
    download = client.get(f"/cases/{case.reference}/evidence/{doc.id}")
    assert download.status_code == 200 and download.data == content
    download.close()
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)))
    assert {"odr.message_posted", "evidence.uploaded", "evidence.downloaded"} <= actions
    # The ledger records that a message was posted, not what it said.
    payloads = db.session.scalars(select(AuditEvent.payload).where(AuditEvent.action == "odr.message_posted"))
    assert not any("already paid" in p for p in payloads)


def test_message_text_is_shown_escaped(client, auth, world):
    w, case = world
    auth.login_as(w.debtor)
    assert post_message(client, case, '<script>alert("x")</script>').status_code == 302
    page = client.get(f"/odr/{case.reference}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page and '<script>alert("x")' not in page


@pytest.mark.parametrize("body,extra,error", [
    ("", {}, "Write a message before sending."),
    ("   \n  ", {}, "Write a message before sending."),
    ("x" * (room.MAX_BODY + 1), {}, "at most 4000 characters"),
    ("Fine.", {"reply_to": "abc"}, "Not a valid integer value."),
    ("Fine.", {"file": (b"\x7fELF\x02\x01\x01" + b"\0" * 64, "invoice.txt")}, "program"),
    ("Fine.", {"file": (b"", "empty.txt")}, "The file is empty."),
])
def test_bad_messages_are_refused_with_nothing_kept(client, auth, world, body, extra, error):
    w, case = world
    auth.login_as(w.creditor_staff)
    messages, documents = count(Message), count(Document)
    resp = post_message(client, case, body, reply_to=extra.get("reply_to"), file=extra.get("file"))
    assert resp.status_code == 422
    assert error.lower() in resp.get_data(as_text=True).lower()
    assert (count(Message), count(Document)) == (messages, documents)


def test_a_reply_to_a_message_of_another_case_is_refused(client, auth, world):
    w, case = world
    other = w.new_case(case.status)
    elsewhere = room.post_message(w.creditor_admin, other, Channel.ROOM, "In another case")
    auth.login_as(w.creditor_staff)
    resp = post_message(client, case, "Replying across cases", reply_to=elsewhere.id)
    assert resp.status_code == 422 and "not in this conversation" in resp.get_data(as_text=True)
    missing = post_message(client, case, "Replying to nothing", reply_to=999999)
    assert missing.status_code == 422
    assert count(Message) == 1


def test_an_oversize_upload_is_refused_before_it_is_read(app, client, auth, world, monkeypatch):
    w, case = world
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    auth.login_as(w.creditor_staff)
    resp = post_message(client, case, "Big scan attached", file=(b"a" * 4096, "scan.txt"))
    assert resp.status_code == 413 and "larger than" in resp.get_data(as_text=True)
    assert count(Message) == 0


def test_polling_returns_messages_after_an_id_and_marks_them_read(client, auth, world):
    w, case = world
    first, second, third = (room.post_message(w.creditor_admin, case, Channel.ROOM, f"Message {n}")
                            for n in (1, 2, 3))
    auth.login_as(w.debtor)
    assert room.unread_count(w.debtor, case, Channel.ROOM) == 3
    data = client.get(f"/odr/{case.reference}/messages.json?after={first.id}").get_json()
    assert [m["id"] for m in data["messages"]] == [second.id, third.id]
    assert data["messages"][0]["body"] == "Message 2" and data["messages"][0]["side"] == "creditor"
    assert data["last_id"] == third.id
    assert room.last_read(w.debtor, case, Channel.ROOM) == third.id
    empty = client.get(f"/odr/{case.reference}/messages.json?after={third.id}").get_json()
    assert empty == {"messages": [], "last_id": third.id}
    for bad in ("-1", "abc", "1e3", "9" * 40):
        resp = client.get(f"/odr/{case.reference}/messages.json?after={bad}")
        assert resp.status_code == 400 and resp.get_json()["message"]


def test_unread_counts_and_the_new_separator_follow_each_reader(client, auth, world):
    w, case = world
    old = room.post_message(w.creditor_admin, case, Channel.ROOM, "Seen already")
    room.mark_read(w.debtor, case, Channel.ROOM, old.id)
    new = [room.post_message(w.creditor_admin, case, Channel.ROOM, f"New {n}") for n in (1, 2)]
    assert room.unread_count(w.debtor, case, Channel.ROOM) == 2
    assert room.unread_count(w.creditor_admin, case, Channel.ROOM) == 0  # one's own posts are read
    assert room.unread_count(w.creditor_staff, case, Channel.ROOM) == 3  # a colleague has its own marker

    auth.login_as(w.debtor)
    page = client.get(f"/odr/{case.reference}").get_data(as_text=True)
    assert "2 new" in page
    separator = page.index('id="new"')
    assert page.index(f'id="m{old.id}"') < separator < page.index(f'id="m{new[0].id}"')
    again = client.get(f"/odr/{case.reference}").get_data(as_text=True)
    assert 'id="new"' not in again and "2 new" not in again
    # A marker never moves back (an old tab polling from the start must not un-read).
    room.mark_read(w.debtor, case, Channel.ROOM, old.id)
    assert room.last_read(w.debtor, case, Channel.ROOM) == new[1].id


def test_the_platform_admin_reads_the_room_but_does_not_write(client, auth, world):
    w, case = world
    room.post_message(w.debtor, case, Channel.ROOM, "We dispute invoice 7.")
    auth.login_as(w.admin)
    page = client.get(f"/odr/{case.reference}")
    assert page.status_code == 200 and "We dispute invoice 7." in page.get_data(as_text=True)
    assert 'id="compose"' not in page.get_data(as_text=True)
    assert post_message(client, case, "Admin note").status_code == 403


def test_a_marker_inserted_in_parallel_is_reused_not_duplicated(world):
    w, case = world
    message = room.post_message(w.creditor_admin, case, Channel.ROOM, "Hello")
    room.mark_read(w.debtor, case, Channel.ROOM, message.id)
    # As if the page and its poller both found no marker and both inserted one.
    marker = room._new_marker(w.debtor, case, Channel.ROOM)
    assert marker.last_read_id == message.id
    assert count(ReadMarker) == 2  # the author's and the debtor's, once each


def test_after_settlement_the_room_is_a_read_only_record(client, auth, db_session):
    from portal.cases.states import CaseStatus

    w, case = room_case(CaseStatus.SETTLED)
    room.post_message(w.creditor_admin, case, Channel.ROOM, "Agreed at 95,000.")
    auth.login_as(w.debtor)
    page = client.get(f"/odr/{case.reference}").get_data(as_text=True)
    assert "Agreed at 95,000." in page and 'id="compose"' not in page and "Ask for a conciliator" not in page
    assert post_message(client, case, "One more thing").status_code == 403
    asked = client.post(f"/odr/{case.reference}/conciliation", data={"csrf_token": csrf_for(client)})
    assert asked.status_code == 403
