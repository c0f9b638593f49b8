"""The case list (GET /cases/): search, filters, sort, keyset pages of 50, the CSV export, bad
values (400, not 500), one SQL statement for a page whatever its size, and nobody sees another's
cases."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portal.cases.intake import today_ist
from portal.cases.models import Invoice, Payment, PaymentMethod
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.conftest import StatementCount
from tests.factories import (
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    DebtorUserFactory,
    EngagementFactory,
    NeutralFactory,
    PartyFactory,
)

S = CaseStatus
T0 = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
REF = re.compile(r"SUL-\d{4}-\d{6}")


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def refs(resp) -> list[str]:
    """The case references of the table, in order (each appears once per row, in its link)."""
    body = resp.get_data(as_text=True)
    return re.findall(r'href="/cases/(SUL-\d{4}-\d{6})"', body)


def next_link(resp, rel: str) -> str | None:
    m = re.search(rf'<a rel="{rel}" href="([^"]+)"', resp.get_data(as_text=True))
    return html.unescape(m.group(1)) if m else None


class World:
    def __init__(self) -> None:
        self.staff = CreditorFactory(name="Rahul Patil")
        self.org = self.staff.organization
        self.rao = AdvocateFactory(name="Adv. Nandini Rao")
        EngagementFactory(org_id=self.org.id, advocate_id=self.rao.id)
        self.n = 0

    def case(self, *, debtor=None, status=S.FILED, advocate=None, invoices=None, paid=(), minutes=None, **kw):
        self.n += 1
        extra = {"debtor": debtor} if debtor is not None else {}
        if invoices is not None:
            extra["invoices"] = invoices
        case = CaseFactory(creditor=self.org, _status=status, created_by_id=self.staff.id,
                           advocate_id=advocate.id if advocate else None,
                           created_at=T0 + timedelta(minutes=self.n if minutes is None else minutes),
                           **extra, **kw)
        for amount, invoice in paid:
            db.session.add(Payment(case=case, amount=Decimal(amount), paid_on=today_ist(),
                                   method=PaymentMethod.NEFT,
                                   invoice_id=invoice.id if invoice is not None else None,
                                   recorded_by_id=self.staff.id))
        db.session.flush()
        return case

    def party(self, name: str, gstin: str | None = None):
        return PartyFactory(legal_name=name, gstin=gstin, created_by_org_id=self.org.id)


def inv(number: str, total: str, due_days_ago: int = 100) -> Invoice:
    due = today_ist() - timedelta(days=due_days_ago)
    return Invoice(number=number, invoice_date=due - timedelta(days=45), due_date=due,
                   taxable_value=Decimal(total), gst_amount=Decimal("0.00"), total=Decimal(total))


@pytest.fixture
def w(db_session) -> World:
    return World()


def get(client, auth, user, **params):
    auth.login_as(user)
    return client.get("/cases/", query_string=params)


# --- search and filters ------------------------------------------------------------------------

def test_search_matches_reference_debtor_name_gstin_and_invoice_number(client, auth, w):
    acme = w.case(debtor=w.party("Acme Tools Pvt Ltd", "27AAACA1234A1Z5"), invoices=[inv("INV-A-1", "1000")])
    bolt = w.case(debtor=w.party("Bolt & Nut Works", "29AAACB9999B1Z1"), invoices=[inv("BN/77", "2000")])
    pct = w.case(debtor=w.party("100% Cotton Mills"), invoices=[inv("X-1", "10")])

    assert refs(get(client, auth, w.staff, q="acme")) == [acme.reference]
    assert refs(get(client, auth, w.staff, q="29aaacb9999")) == [bolt.reference]
    assert refs(get(client, auth, w.staff, q="bn/77")) == [bolt.reference]
    assert refs(get(client, auth, w.staff, q=acme.reference)) == [acme.reference]
    # % and _ are searched for literally, not as wildcards
    assert refs(get(client, auth, w.staff, q="100%")) == [pct.reference]
    assert refs(get(client, auth, w.staff, q="%")) == [pct.reference]
    resp = get(client, auth, w.staff, q="nothing-like-this")
    assert refs(resp) == [] and "No cases match this search" in text(resp)


def test_filters_status_debtor_and_advocate(client, auth, w):
    debtor = w.party("Chosen Debtor LLP")
    filed = w.case(status=S.FILED)
    draft = w.case(status=S.DRAFT, debtor=debtor)
    with_rao = w.case(advocate=w.rao)

    assert set(refs(get(client, auth, w.staff, status="draft"))) == {draft.reference}
    assert set(refs(get(client, auth, w.staff, status="filed"))) == {filed.reference, with_rao.reference}
    assert refs(get(client, auth, w.staff, debtor=str(debtor.id))) == [draft.reference]
    assert refs(get(client, auth, w.staff, advocate=str(w.rao.id))) == [with_rao.reference]
    page = text(get(client, auth, w.staff))
    assert "Chosen Debtor LLP" in page and "Adv. Nandini Rao" in page  # offered in the menus


def test_filter_by_ageing_of_the_oldest_unpaid_invoice(client, auth, w):
    not_due = w.case(invoices=[inv("A", "100", due_days_ago=-5)])
    d20 = w.case(invoices=[inv("A", "100", due_days_ago=20), inv("B", "100", due_days_ago=-3)])
    d45 = w.case(invoices=[inv("A", "100", due_days_ago=45)])
    d75 = w.case(invoices=[inv("A", "100", due_days_ago=75)])
    old_paid = inv("OLD", "500", due_days_ago=200)
    d95 = w.case(invoices=[old_paid, inv("NEW", "100", due_days_ago=95)])
    w.case(invoices=[inv("A", "100", due_days_ago=10)], paid=[("100", None)])  # fully paid: no bucket
    db.session.add(Payment(case=d95, amount=Decimal("500"), paid_on=today_ist(), method=PaymentMethod.UPI,
                           invoice_id=old_paid.id, recorded_by_id=w.staff.id))
    db.session.flush()

    def bucket(key):
        return refs(get(client, auth, w.staff, ageing=key))
    assert bucket("not_due") == [not_due.reference]
    assert bucket("1_30") == [d20.reference]
    assert bucket("31_60") == [d45.reference]
    assert bucket("61_90") == [d75.reference]
    assert bucket("90_plus") == [d95.reference]  # its 200-day invoice is paid; the oldest unpaid is 95


def test_filter_by_outstanding_amount_range(client, auth, w):
    small = w.case(invoices=[inv("A", "1000.00")])
    half_paid = w.case(invoices=[inv("A", "50000.00")], paid=[("20000.00", None)])
    big = w.case(invoices=[inv("A", "900000.00")])

    assert refs(get(client, auth, w.staff, min_due="30000", max_due="30000")) == [half_paid.reference]
    assert set(refs(get(client, auth, w.staff, min_due="1,000"))) == {small.reference, half_paid.reference,
                                                                     big.reference}
    assert refs(get(client, auth, w.staff, max_due="999.99")) == []
    assert refs(get(client, auth, w.staff, min_due="100000")) == [big.reference]
    assert "₹30,000.00" in text(get(client, auth, w.staff, q=half_paid.reference))


# --- sort and pages ----------------------------------------------------------------------------

def test_sorts(client, auth, w):
    c1 = w.case(debtor=w.party("Zeta Traders"), invoices=[inv("A", "500")])
    c2 = w.case(debtor=w.party("Alpha Exports"), invoices=[inv("A", "9000")])
    c3 = w.case(debtor=w.party("Mid Corp"), invoices=[inv("A", "100")])

    assert refs(get(client, auth, w.staff)) == [c3.reference, c2.reference, c1.reference]
    assert refs(get(client, auth, w.staff, sort="oldest")) == [c1.reference, c2.reference, c3.reference]
    assert refs(get(client, auth, w.staff, sort="amount")) == [c2.reference, c1.reference, c3.reference]
    assert refs(get(client, auth, w.staff, sort="debtor")) == [c2.reference, c3.reference, c1.reference]


@pytest.mark.parametrize("sort", ["newest", "oldest", "amount", "debtor"])
def test_pages_of_50_forward_and_back_have_no_duplicates_or_gaps(client, auth, w, sort):
    same = w.party("Same Name Traders")
    made = []
    for i in range(120):
        # ties on every key (same minute, same amount, same debtor) so the id breaks them
        made.append(w.case(debtor=same if i % 2 else None, minutes=i // 3,
                           invoices=[inv("A", "1000.10" if i % 4 else "777.77")]).reference)
    auth.login_as(w.staff)
    seen, pages, url = [], [], f"/cases/?sort={sort}"
    while url:
        resp = client.get(url)
        assert resp.status_code == 200
        pages.append(refs(resp))
        seen += pages[-1]
        url = next_link(resp, "next")
    assert [len(p) for p in pages] == [50, 50, 20]
    assert len(seen) == len(set(seen)) == 120 and set(seen) == set(made)
    # and back again from the last page
    resp = client.get(f"/cases/?sort={sort}")
    resp = client.get(next_link(resp, "next"))
    last = client.get(next_link(resp, "next"))
    assert next_link(last, "next") is None
    back = client.get(next_link(last, "prev"))
    assert refs(back) == pages[1]
    first = client.get(next_link(back, "prev"))
    assert refs(first) == pages[0] and next_link(first, "prev") is None


def test_a_page_link_keeps_the_filters(client, auth, w):
    for _ in range(55):
        w.case(status=S.DRAFT)
    w.case(status=S.FILED)
    resp = get(client, auth, w.staff, status="draft")
    link = next_link(resp, "next")
    assert "status=draft" in link
    assert len(refs(client.get(link))) == 5


# --- the CSV -----------------------------------------------------------------------------------

def test_csv_export_of_the_filtered_list_with_formulas_neutralised(client, auth, w):
    evil = w.case(debtor=w.party("=HYPERLINK(\"http://x\",\"pay\")", "27AAACA1234A1Z5"),
                  invoices=[inv("A", "118000.00", due_days_ago=40)], paid=[("18000.00", None)])
    w.case(status=S.DRAFT)
    resp = get(client, auth, w.staff, status="filed", format="csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Reference", "Debtor", "GSTIN"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference"] == evil.reference
    assert row["Debtor"] == "'=HYPERLINK(\"http://x\",\"pay\")"
    assert row["Invoiced (INR)"] == "118000.00" and row["Outstanding (INR)"] == "100000.00"
    assert row["Ageing"] == "31–60 days overdue" and row["Status"] == "filed"


# --- bad values, statements, who sees what -----------------------------------------------------

@pytest.mark.parametrize("params, says", [
    ({"status": "bogus"}, "no case status"),
    ({"ageing": "5_10"}, "no ageing bucket"),
    ({"sort": "id; drop"}, "cannot be sorted"),
    ({"debtor": "abc"}, "debtor filter"),
    ({"advocate": "-1"}, "advocate filter"),
    ({"min_due": "lots"}, "amount in rupees"),
    ({"min_due": "NaN"}, "between 0"),
    ({"max_due": "-5"}, "between 0"),
    ({"min_due": "500", "max_due": "100"}, "more than the largest"),
    ({"after": "not-a-cursor"}, "page link is not valid"),
    ({"after": "W10"}, "page link is not valid"),
    ({"q": "x" * 101}, "at most 100"),
])
def test_bad_values_are_a_400_with_a_message(client, auth, w, params, says):
    resp = get(client, auth, w.staff, **params)
    assert resp.status_code == 400
    assert says in text(resp)


def test_a_cursor_of_another_sort_is_refused(client, auth, w):
    for _ in range(51):
        w.case()
    link = next_link(get(client, auth, w.staff), "next")
    cursor = re.search(r"after=([^&]+)", link).group(1)
    assert client.get(f"/cases/?sort=debtor&after={cursor}").status_code == 400


def test_a_page_issues_the_same_number_of_statements_with_1_or_50_rows(client, auth, w, app):
    debtor = w.party("Counted Debtor")
    w.case(debtor=debtor, advocate=w.rao)

    def statements() -> int:
        with StatementCount() as sql:
            assert get(client, auth, w.staff).status_code == 200
        return sql.n

    one = statements()
    for i in range(49):
        w.case(debtor=debtor if i % 2 else None, advocate=w.rao if i % 3 else None,
               paid=[("10.00", None)])
    fifty = statements()
    assert len(refs(get(client, auth, w.staff))) == 50
    assert one == fifty


def test_nobody_sees_another_organisations_cases(client, auth, w):
    mine = w.case(debtor=w.party("Mine Debtor"))
    other_staff = CreditorFactory()
    theirs = CaseFactory(creditor=other_staff.organization, _status=S.FILED, created_by_id=other_staff.id)

    assert refs(get(client, auth, w.staff)) == [mine.reference]
    assert refs(get(client, auth, other_staff)) == [theirs.reference]
    # a filter by another organisation's debtor finds nothing, the search finds nothing, nor the CSV
    assert refs(get(client, auth, other_staff, debtor=str(mine.debtor_party_id))) == []
    assert refs(get(client, auth, other_staff, q="Mine Debtor")) == []
    assert mine.reference not in text(get(client, auth, other_staff, format="csv"))
    assert "Mine Debtor" not in text(get(client, auth, other_staff))  # not in the menus either
    for outsider in (AdvocateFactory(), NeutralFactory(), DebtorUserFactory()):
        resp = get(client, auth, outsider)
        assert resp.status_code in (200, 403)
        assert mine.reference not in text(resp) and theirs.reference not in text(resp)
        csv_resp = get(client, auth, outsider, format="csv")
        assert mine.reference not in text(csv_resp)


def test_the_dashboard_still_lists_recent_cases_with_the_shared_table(client, auth, w):
    case = w.case(debtor=w.party("Dashboard Debtor"), advocate=w.rao)
    auth.login_as(w.staff)
    body = text(client.get("/dashboard"))
    assert case.reference in body and "Dashboard Debtor" in body and "Adv. Nandini Rao" in body
