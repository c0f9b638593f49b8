"""One daily cap per debtor (DOMAIN 24 and 28), whatever sends and however many claims name it.

Each claim keeps its debtor as its own party row, so a creditor's two claims against one business
are two rows: the cap finds them by the GSTIN, or by the legal name (portal.cases.debtor_groups).
Every sender counts every other's messages: the notice dispatcher (one dispatch or a burst),
reminders and the debtor's attention messages."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from notices.serving import contact_count
from portal import audit
from portal.cases import debtor_groups
from portal.cases.models import ContactKind, PartyContact
from portal.extensions import db
from portal.notifications import delivery
from portal.notifications.models import AttentionItem
from portal.receivables import conduct, sending
from portal.receivables.tasks import run_once
from tests.conftest import StatementCount
from tests.factories import CreditorFactory, PartyFactory
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

NOON_IST = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)  # 12:00 IST
TODAY = date(2026, 12, 7)
GSTIN = "29AAGCS1234F1Z5"


def _party(org_id: int, name: str = "Shree Garments LLP", gstin: str | None = GSTIN):
    return PartyFactory(created_by_org_id=org_id, legal_name=name, gstin=gstin, contacts=[
        PartyContact(kind=ContactKind.EMAIL, value="accounts@shree-garments.example", source="test",
                     designated=True)])


def test_a_creditors_parties_with_one_gstin_or_one_name_are_one_debtor(db_session):
    creditor, other = CreditorFactory(), CreditorFactory()
    first, second = _party(creditor.org_id), _party(creditor.org_id)
    by_name = _party(creditor.org_id, gstin=None)  # a ledger without GSTINs names it so
    unrelated = _party(creditor.org_id, name="Lotus Fashion House", gstin="27AAPFU0939F1ZV")
    elsewhere = _party(other.org_id)  # another creditor's record of the same business
    db.session.flush()
    groups = debtor_groups({first.id, unrelated.id, elsewhere.id})
    assert groups[first.id] == {first.id, second.id, by_name.id}
    assert groups[unrelated.id] == {unrelated.id}
    assert groups[elsewhere.id] == {elsewhere.id}  # a cap is the sending creditor's
    assert debtor_groups(set()) == {}


def test_a_second_claim_against_the_same_debtor_shares_the_reminders_cap(db_session, outbox, monkeypatch):
    monkeypatch.setattr(sending, "utcnow", lambda: NOON_IST)
    creditor, _ = creditor_with_reminders()
    creditor.organization.daily_contact_cap = 1
    one = debtor_case(creditor, invoice("A-1", TODAY - timedelta(days=1)), party=_party(creditor.org_id))
    two = debtor_case(creditor, invoice("B-1", TODAY - timedelta(days=1)), party=_party(creditor.org_id))
    assert one.debtor_party_id != two.debtor_party_id  # two claims, two records of one business
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, one.debtor_party_id, NOON_IST) == "sent"
    assert sending.send_for(creditor.org_id, two.debtor_party_id, NOON_IST) == "deferred"
    assert len(outbox()) == 1
    # Another business of the same creditor keeps a cap of its own.
    other = debtor_case(creditor, invoice("C-1", TODAY - timedelta(days=1)),
                        party=_party(creditor.org_id, name="Lotus Fashion House", gstin="27AAPFU0939F1ZV"))
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, other.debtor_party_id, NOON_IST) == "sent"


def test_every_sender_counts_every_others_messages(db_session, monkeypatch):
    monkeypatch.setattr(sending, "utcnow", lambda: NOON_IST)
    creditor, _ = creditor_with_reminders()
    creditor.organization.daily_contact_cap = 2
    one = debtor_case(creditor, invoice("A-1", TODAY - timedelta(days=1)), party=_party(creditor.org_id))
    two = debtor_case(creditor, invoice("B-1", TODAY - timedelta(days=1)), party=_party(creditor.org_id))
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, one.debtor_party_id, NOON_IST) == "sent"
    # The reminder (one e-mail) counts for the notice dispatcher and the attention messages, on the
    # debtor's other claim too.
    assert contact_count.contacts_today(two.debtor_party_id, NOON_IST) == 1
    assert delivery.debtor_wait(two, NOON_IST) is None  # one of two left
    # An attention message told on the other claim (e-mail and SMS) counts for reminders too.
    event = audit.record("case.note", actor=creditor, case=two, payload={})
    db.session.add(AttentionItem(party_id=two.debtor_party_id, audience="debtor", case_id=two.id,
                                 kind="notice_answer", action="case.note", event_id=event.id, what="x",
                                 may="y", endpoint="debtor.home", told_at=NOON_IST, told_channels=2))
    db.session.flush()
    assert contact_count.contacts_today(one.debtor_party_id, NOON_IST) == 3
    assert delivery.debtor_wait(one, NOON_IST) is not None  # past the cap of two: tomorrow's window
    assert conduct.allowance(creditor.organization, one.debtor_party_id, NOON_IST)[0] == 0


def test_a_bursts_tally_counts_one_debtors_claims_together(db_session):
    creditor = CreditorFactory()
    first, second = _party(creditor.org_id), _party(creditor.org_id)
    unrelated = _party(creditor.org_id, name="Lotus Fashion House", gstin="27AAPFU0939F1ZV")
    db.session.flush()
    tally = contact_count.tally(debtor_groups({first.id, second.id, unrelated.id}), NOON_IST)
    assert (tally.of(first.id), tally.of(second.id), tally.of(unrelated.id)) == (0, 0, 0)
    tally.add(first.id)  # a claimed dispatch on the first claim is the second's message too
    assert (tally.of(first.id), tally.of(second.id), tally.of(unrelated.id)) == (1, 1, 0)
    # The burst locks every record of each debtor, and only a debtor it holds whole is its own.
    locked = contact_count.lock_debtors({first.id, unrelated.id})
    assert locked == {first.id: {first.id, second.id}, unrelated.id: {unrelated.id}}


def _looks_up_the_debtor(sql: str) -> bool:
    """portal.cases.debtor_groups' statement: the party joined to its organisation's parties."""
    return "JOIN parties AS" in " ".join(sql.split())


class Lookups(StatementCount):
    """The debtor look-ups among the statements run inside the block."""

    def _tick(self, _conn, _cursor, statement, *_rest) -> None:
        self.n += _looks_up_the_debtor(statement)


def test_a_sender_looks_the_debtor_up_once_to_lock_it_and_count(db_session, outbox, monkeypatch):
    monkeypatch.setattr(sending, "utcnow", lambda: NOON_IST)
    creditor, _ = creditor_with_reminders()
    one = debtor_case(creditor, invoice("A-1", TODAY - timedelta(days=1)), party=_party(creditor.org_id))
    debtor_case(creditor, invoice("B-1", TODAY - timedelta(days=1)), party=_party(creditor.org_id))
    run_once(TODAY, queue_sending=False)
    with Lookups() as sent:
        assert sending.send_for(creditor.org_id, one.debtor_party_id, NOON_IST) == "sent"
    assert sent.n == 2  # claiming (the lock, then the count) once; settling locks in its own transaction
    with Lookups() as alone:
        assert contact_count.contacts_today(one.debtor_party_id, NOON_IST) == 1
    locked = contact_count.lock_debtors({one.debtor_party_id})
    with Lookups() as given:
        assert contact_count.contacts_today(one.debtor_party_id, NOON_IST, groups=locked) == 1
    assert (alone.n, given.n) == (1, 0)
