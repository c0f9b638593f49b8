"""What the busiest pages cost per request (issue 22: a page's p99 under load follows its CPU per
request): the signed-in user's organisation comes in the user's own statement, the case list reads
the case columns it shows (not mapped cases), and the case priorities gather their facts in fewer
statements with the same answers."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from notices.drafting.case_section import EVENTS_SHOWN
from portal.cases.listing import Listed
from portal.cases.models import ClaimType, Payment, PaymentMethod
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.receivables import book, scoring, sending
from portal.receivables.case_parts import list_priorities
from portal.receivables.models import InvoiceHold, ReminderLink
from portal.receivables.tasks import run_once
from tests.conftest import StatementCount
from tests.factories import CreditorFactory
from tests.receivables.helpers import creditor_with_reminders, debtor_case, invoice

NOON = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)
TODAY = date(2026, 12, 7)


def statements(client, path: str) -> list[str]:
    client.get(path)  # first-request work (a policy row made on first visit) is not counted
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        resp = client.get(path)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert resp.status_code == 200, (path, resp.status_code)
    return seen


def test_the_users_organisation_is_read_with_the_user_and_never_again(client, auth, db_session):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("ORG-1", TODAY - timedelta(days=40)))
    auth.login_as(creditor)
    for path in ("/dashboard", "/cases/", f"/cases/{case.reference}"):
        seen = statements(client, path)
        users = [s for s in seen if s.startswith("SELECT users.id")]
        assert users and "JOIN organizations" in users[0], (path, users[:1])
        alone = [s for s in seen if s.startswith("SELECT organizations.")]
        assert not alone, (path, alone)


def test_the_case_list_rows_carry_the_case_columns_not_mapped_cases(client, auth, db_session):
    creditor, _ = creditor_with_reminders()
    case = debtor_case(creditor, invoice("COL-1", TODAY - timedelta(days=40)))
    auth.login_as(creditor)
    seen = statements(client, "/cases/")
    listing = [s for s in seen if "list_debtor.legal_name AS debtor_name" in s]
    assert len(listing) == 1
    assert listing[0].startswith("SELECT cases.id, cases.reference, cases.status, cases.claim_type, "
                                 "cases.created_at, list_debtor.legal_name")
    page = client.get("/cases/").get_data(as_text=True)
    assert f'href="/cases/{case.reference}"' in page and "₹1,18,000.00" in page
    row = Listed(case.id, case.reference, case.status, case.claim_type, case.created_at)
    assert row.status.value == case.status.value


def test_priorities_score_only_the_organisations_own_cases(db_session):
    creditor, _ = creditor_with_reminders()
    own = debtor_case(creditor, invoice("OWN-1", TODAY - timedelta(days=40)))
    stranger = CreditorFactory()
    theirs = debtor_case(stranger, invoice("THEIRS-1", TODAY - timedelta(days=40)))
    scores = list_priorities(creditor, [own.id, theirs.id], TODAY)
    assert set(scores) == {own.id}
    assert list_priorities(stranger, [own.id], TODAY) == {}


def test_reminders_sent_notice_level_and_answers_per_case(db_session, outbox, monkeypatch):
    creditor, _ = creditor_with_reminders()
    org = creditor.organization
    reminded = debtor_case(creditor, invoice("N-1", TODAY - timedelta(days=31)))
    quiet = debtor_case(creditor, invoice("Q-1", TODAY - timedelta(days=31)))
    answered = debtor_case(creditor, invoice("A-1", TODAY - timedelta(days=31)))
    disputed = debtor_case(creditor, invoice("D-1", TODAY - timedelta(days=31)))
    run_once(TODAY, queue_sending=False)
    assert sending.send_for(creditor.org_id, reminded.debtor_party_id, NOON) == "sent"
    link = ReminderLink(token_sha256="a" * 64, org_id=org.id, party_id=answered.debtor_party_id,
                        expires_at=NOON + timedelta(days=30), last_used_at=NOON)
    unused = ReminderLink(token_sha256="b" * 64, org_id=org.id, party_id=disputed.debtor_party_id,
                          expires_at=NOON + timedelta(days=30))
    db.session.add_all([link, unused])
    db.session.flush()
    db.session.add(InvoiceHold(org_id=org.id, party_id=disputed.debtor_party_id,
                               invoice_id=disputed.invoices[0].id, kind="dispute", made_how="link",
                               link_id=unused.id))
    db.session.flush()
    ids = {reminded.id, quiet.id, answered.id, disputed.id}
    with StatementCount() as read_lines:
        lines = book.lines(org.id, case_ids=ids)
    with StatementCount() as read_facts:
        facts = scoring.facts(org, TODAY, lines, "case", ids)
    # The invoices with their cases, the payments; then promises, reminders and answers together.
    assert (read_lines.n, read_facts.n) == (2, 1)
    assert facts[reminded.id].reminders_sent == 1 and facts[reminded.id].at_notice_level
    assert facts[quiet.id].reminders_sent == 0 and not facts[quiet.id].at_notice_level
    assert [facts[c.id].responded for c in (reminded, quiet, answered, disputed)] == [False, False, True, True]
    monkeypatch.setattr(scoring, "_KEYS_PER_READ", 1)  # SQLite: one case and one debtor a statement
    assert scoring.facts(org, TODAY, lines, "case", ids) == facts
    assert scoring.facts(org, TODAY, lines, "party", None) == scoring.facts(
        org, TODAY, lines, "party", {line.party_id for line in lines})


def test_the_case_page_reads_a_notices_timeline_with_its_dispatches_at_once(client, auth, db_session,
                                                                              outbox, monkeypatch):
    """The notice's timeline on the case page names each event's channel and address: loaded with
    the events, not one query per dispatch (and not again after the receipt was worked out), and
    only the newest EVENTS_SHOWN of them (tests/notices/test_case_section.py)."""
    from tests.keyset_world import KeysetWorld

    k = KeysetWorld(monkeypatch)
    k.add("notice_dispatches", 1)
    k.add("notice_events", 1)
    k.link_events()
    auth.login_as(k.creditor)
    path = f"/cases/{k.case.reference}"
    one = len(statements(client, path))
    k.add("notice_dispatches", 5)
    k.add("notice_events", 5)
    k.link_events()
    page = client.get(path).get_data(as_text=True)
    # The newest events are on the page (at most EVENTS_SHOWN of the 6), each with its dispatch.
    assert page.count('class="technical"') == EVENTS_SHOWN
    assert len(statements(client, path)) == one


def test_a_case_pages_priority_is_scored_from_its_loaded_rows_as_the_list_scores_it(db_session):
    """The case page scores its case from the invoices and payments it has loaded (no statement for
    them): the same lines, facts and score as the case list's, with payments naming an invoice, none,
    or one outside the case; an invoice old enough for the limitation reckoning; a case that ended."""
    creditor, _ = creditor_with_reminders()
    org = creditor.organization
    assert org.msmed_eligible  # so an MSMED invoice's interest counts in the facts
    old = TODAY - timedelta(days=3 * 365 - 100)
    named = debtor_case(creditor, invoice("NM-1", TODAY - timedelta(days=40)),
                        invoice("NM-2", TODAY - timedelta(days=10)))
    spread = debtor_case(creditor, invoice("SP-1", old, "50000.00"), invoice("SP-2", TODAY - timedelta(days=70)))
    spread.claim_type = ClaimType.MSMED_INVOICE
    paid = debtor_case(creditor, invoice("PD-1", TODAY - timedelta(days=40), "1000.00"))
    ended = debtor_case(creditor, invoice("EN-1", TODAY - timedelta(days=40)), status=CaseStatus.WITHDRAWN)
    db.session.add_all([
        Payment(case=named, invoice_id=named.invoices[0].id, amount=Decimal("20000.00"), paid_on=TODAY,
                method=PaymentMethod.NEFT),
        Payment(case=named, amount=Decimal("3000.50"), paid_on=TODAY, method=PaymentMethod.NEFT),
        Payment(case=spread, invoice_id=named.invoices[1].id, amount=Decimal("7000.00"), paid_on=TODAY,
                method=PaymentMethod.NEFT),
        Payment(case=spread, amount=Decimal("4000.00"), paid_on=TODAY, method=PaymentMethod.NEFT),
        Payment(case=paid, amount=Decimal("1000.00"), paid_on=TODAY, method=PaymentMethod.NEFT)])
    db.session.flush()
    db.session.expire_all()
    cases = [named, spread, paid, ended]
    ids = {c.id for c in cases}
    assert book.limitation_ends(book.lines(org.id, case_ids=ids), TODAY)  # the old invoice is reckoned
    listed = scoring.case_scores(org, TODAY, ids)
    assert set(listed) == {named.id, spread.id}
    for case in cases:
        assert scoring.case_score(org, TODAY, case) == listed.get(case.id), case.reference
        assert sorted(book.case_lines(case), key=lambda line: line.invoice_id) == sorted(
            book.lines(org.id, case_ids={case.id}), key=lambda line: line.invoice_id)
