"""The case page's notices block lists each notice's newest delivery events, at most
`EVENTS_SHOWN` of them, in a fixed number of statements whatever the number of notices and events;
when a timeline holds more, it says how many and links to the delivery page, which lists them all."""
from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from notices.drafting.case_section import EVENTS_SHOWN
from notices.models import Notice
from notices.serving.models import ChannelKind, DeliveryEvent, DeliveryProof, Dispatch, EventKind, Purpose
from notices.states import NoticeStatus
from portal.extensions import db
from tests.conftest import StatementCount
from tests.serving.helpers import signed_notice

T0 = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def events(notice, n: int, tag: str) -> None:
    """`n` events of the notice, a minute apart, on a dispatch of its own; provider refs tag-0, tag-1..."""
    sent = Dispatch(notice_id=notice.id, channel=ChannelKind.EMAIL, purpose=Purpose.NOTICE,
                    address=f"{tag}@debtor.example.in", created_by_id=notice.created_by_id,
                    idempotency_key=hashlib.sha256(tag.encode()).hexdigest(),
                    bounce_token=f"b-{tag}", pixel_token=f"p-{tag}")
    db.session.add(sent)
    db.session.flush()
    for k in range(n):
        db.session.add(DeliveryEvent(notice_id=notice.id, dispatch_id=sent.id, kind=EventKind.ACCEPTED,
                                     occurred_at=T0 + timedelta(minutes=k), source="test",
                                     provider_ref=f"{tag}-{k}",
                                     payload_sha256=hashlib.sha256(f"{tag} {k}".encode()).hexdigest()))
    db.session.flush()


def another_notice(notice, code: str) -> Notice:
    other = Notice(case_id=notice.case_id, kind=notice.kind, status=NoticeStatus.SIGNED,
                   facts_version=notice.facts_version, verification_code=code,
                   created_by_id=notice.created_by_id, signed_at=T0)
    db.session.add(other)
    db.session.flush()
    return other


def shown_refs(page: str, tag: str) -> list[str]:
    return re.findall(rf"<code>({tag}-\d+)</code>", page)


def test_a_long_timeline_shows_its_newest_events_and_links_to_all_of_them(client, auth, db_session):
    creditor, _advocate, case, notice = signed_notice()
    events(notice, 12, "long")
    db.session.add_all([DeliveryProof(notice_id=notice.id, version=v, sha256=f"{v:064d}", events_count=v)
                        for v in (1, 2)])
    db.session.flush()
    auth.login_as(creditor)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert EVENTS_SHOWN == 5
    # The newest five, oldest of them first, as the full timeline orders them.
    assert shown_refs(page, "long") == [f"long-{k}" for k in range(7, 12)]
    assert 'The latest 5 of 12 delivery events' in page
    assert f'aria-describedby="notice-{notice.id}-latest"' in page
    link = re.search(r'<a href="([^"]+)">All 12 delivery events of notice ' + notice.verification_code, page)
    assert link and link[1] == f"/notices/{notice.id}/delivery#timeline-heading"
    assert "certificate (version 2)" in page
    # The link reaches the rest: the delivery page lists every event, newest first.
    delivery = client.get(link[1].split("#")[0])
    assert delivery.status_code == 200
    body = delivery.get_data(as_text=True)
    assert 'id="timeline-heading"' in body
    assert shown_refs(body, "long") == [f"long-{k}" for k in range(11, -1, -1)]


def test_a_short_timeline_is_shown_whole_without_a_link(client, auth, db_session):
    creditor, _advocate, case, notice = signed_notice()
    events(notice, EVENTS_SHOWN, "short")
    auth.login_as(creditor)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert shown_refs(page, "short") == [f"short-{k}" for k in range(EVENTS_SHOWN)]
    assert "delivery events of notice" not in page and "The latest" not in page


def test_the_notices_block_costs_the_same_statements_for_three_long_timelines_as_for_one_event(
        client, auth, db_session):
    creditor, _advocate, case, notice = signed_notice()
    events(notice, 1, "one")
    auth.login_as(creditor)
    path = f"/cases/{case.reference}"
    client.get(path)
    with StatementCount() as one:
        client.get(path)
    events(notice, 30, "first")
    for n, code in enumerate(("ZZTEST0001", "ZZTEST0002")):
        events(another_notice(notice, code), 20, f"other{n}")
    db.session.expire_all()
    page = client.get(path).get_data(as_text=True)  # once before counting, as above
    with StatementCount() as three:
        client.get(path)
    assert page.count('class="technical"') == 3 * EVENTS_SHOWN
    # 17 statements and the test's savepoint with its release (20 before the block was bounded).
    assert three.n == one.n <= 19, (one.n, three.n)
