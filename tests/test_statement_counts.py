"""Every list and dashboard page runs the same small number of SQL statements whether it shows 1 row
or 50: nothing is loaded row by row (issue 22). A page that grows with its rows fails here, long
before it is slow at 100,000 cases."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from arbitration.odr.models.room import ConciliationRequest
from arbitration.tribunal.models import Appointment, AppointmentHow, InstitutionConsent
from notices.bulk.models import NoticeBatch, NoticeBatchItem
from notices.drafting import workflow as drafting
from notices.mandates.models import Mandate
from portal.accounts import Side
from portal.cases.intake import today_ist
from portal.cases.models import Case, Invoice, Payment, PaymentMethod
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.conftest import StatementCount
from tests.factories import (
    AdminFactory,
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    DebtorUserFactory,
    EngagementFactory,
    NeutralFactory,
    PartyFactory,
)

# The most statements any of these pages may run (sign-in, the user, the rows, menus, the
# attention list...): a fixed budget, not a function of the rows.
CEILING = 30
T0 = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)

# (who, path): every list and dashboard page a creditor, advocate and debtor opens.
PAGES = [("creditor", "/dashboard"), ("creditor", "/cases/"), ("creditor", "/cases/?sort=amount"),
         ("creditor", "/cases/?sort=debtor"), ("creditor", "/cases/?sort=oldest"),
         ("creditor", "/collections/"), ("creditor", "/collections/today"),
         ("creditor", "/collections/portfolio"), ("creditor", "/api/v1/debtors"), ("creditor", "/api/v1/cases"),
         ("advocate", "/dashboard"), ("advocate", "/cases/"), ("debtor", "/d/")]


# Tighter budgets for these pages (a statement costs a request about half a millisecond of CPU):
# what each runs with 50 rows since its statements were last cut, the test's savepoint and its
# release included (the case list's priorities and collections' snapshot read once, 7 Dec 2026).
BUDGET = {("creditor", "/dashboard"): 5, ("creditor", "/cases/"): 11, ("creditor", "/cases/?sort=amount"): 11,
          ("creditor", "/cases/?sort=debtor"): 11, ("creditor", "/cases/?sort=oldest"): 11,
          ("creditor", "/collections/"): 6, ("creditor", "/collections/today"): 11,
          ("creditor", "/collections/portfolio"): 5, ("creditor", "/api/v1/debtors"): 4,
          ("creditor", "/api/v1/cases"): 4, ("advocate", "/dashboard"): 5, ("advocate", "/cases/"): 7,
          ("debtor", "/d/"): 5}


class World:
    def __init__(self) -> None:
        self.creditor = CreditorFactory()
        self.org = self.creditor.organization
        self.advocate = AdvocateFactory()
        EngagementFactory(org_id=self.org.id, advocate_id=self.advocate.id)
        self.debtor = DebtorUserFactory()
        self.n = 0

    def case(self) -> None:
        """A served case with two invoices, a part payment on every other one, a debtor of its own
        (every third belongs to the debtor's account) and, on every other one, the advocate."""
        self.n += 1
        n, today = self.n, today_ist()
        party = PartyFactory(created_by_org_id=self.org.id,
                             user_id=self.debtor.id if n % 3 == 1 else None)
        invoices = [Invoice(number=f"INV-{n}-{k}", invoice_date=today - timedelta(days=80 + k),
                            due_date=today - timedelta(days=35 + k), taxable_value=Decimal("1000.00"),
                            gst_amount=Decimal("180.00"), total=Decimal("1180.00")) for k in range(2)]
        case = CaseFactory(creditor=self.org, debtor=party, _status=CaseStatus.NOTICE_SERVED,
                           created_by_id=self.creditor.id, invoices=invoices,
                           advocate_id=self.advocate.id if n % 2 else None,
                           created_at=T0 + timedelta(minutes=n))
        if n % 2:
            db.session.add(Payment(case=case, amount=Decimal("100.00"), paid_on=today,
                                   method=PaymentMethod.NEFT, recorded_by_id=self.creditor.id))
        db.session.flush()


@pytest.fixture
def w(db_session) -> World:
    return World()


def statements(client, auth, user, path: str) -> int:
    auth.login_as(user)
    client.get(path)  # once before counting: first-request work (a policy row made on first visit)
    with StatementCount() as sql:
        resp = client.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    return sql.n


def test_each_list_and_dashboard_page_runs_as_many_statements_for_50_rows_as_for_1(client, auth, w):
    who = {"creditor": w.creditor, "advocate": w.advocate, "debtor": w.debtor}
    w.case()
    one = {(role, path): statements(client, auth, who[role], path) for role, path in PAGES}
    for _ in range(49):
        w.case()
    fifty = {(role, path): statements(client, auth, who[role], path) for role, path in PAGES}
    grown = {page: (one[page], fifty[page]) for page in one if fifty[page] != one[page]}
    assert not grown, f"statements grow with the rows (1 row, 50 rows): {grown}"
    over = {page: (n, BUDGET[page]) for page, n in fifty.items() if n > BUDGET[page]}
    assert not over, f"more statements than the page's budget (run, budget): {over}"


# --- the lists on a case, a notice and a served document (keyset pages, portal.paging) -------------

def keyset_pages(k) -> list[str]:
    ref, notice, document = k.case.reference, k.notice.id, k.document.id
    return [f"/cases/{ref}/evidence", f"/cases/{ref}/audit", f"/cases/{ref}/payments",
            f"/notices/{notice}/delivery", f"/served/{document}/delivery",
            f"/api/v1/cases/{ref}/evidence", f"/api/v1/cases/{ref}/audit-events",
            f"/api/v1/cases/{ref}/payments", f"/api/v1/notices/{notice}/dispatches",
            f"/api/v1/notices/{notice}/delivery-events", f"/api/v1/notices/{notice}/service"]


def test_each_case_notice_and_document_list_runs_as_many_statements_for_50_rows_as_for_1(
        client, auth, db_session, outbox, monkeypatch):
    from tests.keyset_world import KeysetWorld

    k = KeysetWorld(monkeypatch)
    k.add_each(1)
    k.link_events()
    one = {path: statements(client, auth, k.creditor, path) for path in keyset_pages(k)}
    k.add_each(49)
    k.link_events()
    fifty = {path: statements(client, auth, k.creditor, path) for path in keyset_pages(k)}
    grown = {path: (one[path], fifty[path]) for path in one if fifty[path] != one[path]}
    assert not grown, f"statements grow with the rows (1 row, 50 rows): {grown}"
    over = {path: n for path, n in fifty.items() if n > CEILING}
    assert not over, f"more than {CEILING} statements: {over}"


# --- the organisation's settings, bulk work, the advocate's desk and the platform's admin pages ----

class AccountWorld:
    """One of each row the account, bulk, advocate and admin lists show, added `n` at a time."""

    def __init__(self) -> None:
        from portal.crypto import encrypt
        from portal.webhooks.models import WebhookEndpoint

        self.base = World()
        self.creditor, self.org, self.advocate = self.base.creditor, self.base.org, self.base.advocate
        self.admin = AdminFactory()
        self.neutral = NeutralFactory()
        self.base.case()
        self.endpoint = WebhookEndpoint(org_id=self.org.id, url="https://hooks.example.in/sulah",
                                        event_types="notice.served", secret_encrypted=encrypt("s" * 32),
                                        created_by_id=self.creditor.id)
        self.batch = NoticeBatch(org_id=self.org.id, created_by_id=self.creditor.id)
        db.session.add_all([self.endpoint, self.batch])
        db.session.flush()
        self.n = 0

    def add(self, count: int) -> None:
        from portal import audit
        from portal.apikeys import services as keys
        from portal.imports.models import ImportBatch
        from portal.rates.models import BankRate
        from portal.webhooks.models import WebhookDelivery, WebhookEvent

        for _ in range(count):
            self.n += 1
            n = self.n
            keys.create_key(self.creditor, f"Connector {n}", ["read"])
            CreditorFactory(organization=self.org, is_org_admin=False)
            NeutralFactory()
            self.base.case()
            case = db.session.scalars(select(Case).where(Case.creditor_org_id == self.org.id)
                                      .order_by(Case.id.desc()).limit(1)).one()
            recorded = audit.record("case.note_added", actor=self.creditor, case=case, payload={"n": n})
            event = WebhookEvent(public_id=f"evt_{n:08d}", org_id=self.org.id, type="notice.served",
                                 case_id=case.id, audit_event_id=recorded.id, body="{}")
            db.session.add(event)
            db.session.flush()
            db.session.add_all([
                WebhookDelivery(endpoint_id=self.endpoint.id, event_id=event.id),
                BankRate(effective_from=date(2000, 1, 1) + timedelta(days=n), rate_percent=Decimal("6.50"),
                         source_note=f"RBI press release {n}", created_by_id=self.admin.id),
                ImportBatch(org_id=self.org.id, sha256=f"{n:064d}", filename=f"book-{n}.csv", rows=1,
                            cases_created=1, invoices_created=1, rows_skipped=0, created_by_id=self.creditor.id),
                NoticeBatchItem(batch_id=self.batch.id, case_id=case.id),
                NoticeBatch(org_id=self.org.id, created_by_id=self.creditor.id)])
            filed = CaseFactory(creditor=self.org, debtor=PartyFactory(created_by_org_id=self.org.id),
                                _status=CaseStatus.FILED, created_by_id=self.creditor.id,
                                advocate_id=self.advocate.id)
            notice = drafting.start_notice(self.creditor, filed, today_ist())
            drafting.submit(self.creditor, notice)  # in the advocate's review queue
            db.session.add(Appointment(case_id=case.id, neutral_id=self.neutral.id, how=AppointmentHow.AGREED,
                                       agreed_at=T0))
            waiting = CaseFactory(creditor=self.org, debtor=PartyFactory(created_by_org_id=self.org.id),
                                  _status=CaseStatus.IN_ARBITRATION, created_by_id=self.creditor.id)
            db.session.add_all([ConciliationRequest(case_id=waiting.id, side=Side.CREDITOR,
                                                    requested_by_id=self.creditor.id),
                                InstitutionConsent(case_id=waiting.id, side=Side.CREDITOR,
                                                   given_by_id=self.creditor.id, given_by_name="Staff",
                                                   statement="We agree.")])
            engaged = AdvocateFactory()  # on the Team page with its mandate
            EngagementFactory(org_id=self.org.id, advocate_id=engaged.id)
            db.session.add(Mandate(org_id=self.org.id, advocate_id=engaged.id, text="mandate",
                                   sha256=f"{n:064x}", signed_by_id=self.creditor.id, method="accepted online"))
            other = CreditorFactory()
            db.session.add(Mandate(org_id=other.org_id, advocate_id=self.advocate.id, text="mandate",
                                   sha256=f"{n:064d}", signed_by_id=other.id, method="accepted online"))
            db.session.flush()


def account_pages(a: AccountWorld) -> list[tuple[str, str]]:
    return [("creditor", "/account/api-keys"), ("creditor", "/account/webhooks"),
            ("creditor", f"/account/webhooks/{a.endpoint.id}"), ("creditor", "/team"),
            ("creditor", "/imports/"), ("creditor", "/notices/batches/"),
            ("creditor", f"/notices/batches/{a.batch.id}"), ("creditor", "/collections/today?all=1"),
            ("creditor", "/arbitration/panel"),
            ("advocate", "/mandates"), ("advocate", "/notices/review"), ("advocate", "/notices/batches/review"),
            ("admin", "/admin/bank-rates"), ("admin", "/admin/conciliation-requests"),
            ("admin", "/arbitration/tribunals/awaiting"), ("neutral", "/arbitration/invitations")]


def test_each_account_bulk_advocate_and_admin_list_runs_as_many_statements_for_50_rows_as_for_1(
        client, auth, db_session):
    a = AccountWorld()
    who = {"creditor": a.creditor, "advocate": a.advocate, "admin": a.admin, "neutral": a.neutral}
    a.add(1)
    one = {(role, path): statements(client, auth, who[role], path) for role, path in account_pages(a)}
    a.add(49)
    fifty = {(role, path): statements(client, auth, who[role], path) for role, path in account_pages(a)}
    grown = {page: (one[page], fifty[page]) for page in one if fifty[page] != one[page]}
    assert not grown, f"statements grow with the rows (1 row, 50 rows): {grown}"
    over = {page: n for page, n in fifty.items() if n > CEILING}
    assert not over, f"more than {CEILING} statements: {over}"
