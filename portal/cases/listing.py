"""The case list's search, filters, sort and keyset pagination, all in SQL: one statement returns a
page of cases with their debtor, advocate and money figures, whatever the number of cases.

"Outstanding" here is the principal still unpaid (invoiced minus payments received), stored on the
case row (portal.cases.totals) so the list sorts and filters by it through an index; the case page
shows the full position with interest. An invoice is unpaid while the payments recorded against it
are less than its total; the ageing bucket is that of the case's oldest unpaid invoice's due date
(cases with nothing outstanding have no bucket).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from sqlalchemy import Numeric, Select, and_, func, literal, or_, select
from sqlalchemy.orm import aliased

from portal.accounts import Role, User
from portal.cases.hooks import debtor_owned_by
from portal.cases.models import Case, ClaimType, Invoice, Party, Payment
from portal.cases.states import CaseStatus
from portal.i18n import N_
from portal.paging import BadCursor, Page, decode_cursor, encode_cursor, seek, turn

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
MAX_QUERY = 100

# The labels are English (the CSV export's ageing column); a page says them with gettext.
SORTS = {"newest": N_("Newest first"), "oldest": N_("Oldest first"),
         "amount": N_("Outstanding, largest first"), "debtor": N_("Debtor name, A–Z")}
AGEING = {"not_due": N_("Not yet due"), "1_30": N_("1–30 days overdue"), "31_60": N_("31–60 days overdue"),
          "61_90": N_("61–90 days overdue"), "90_plus": N_("Over 90 days overdue")}


class BadListQuery(ValueError):
    """A filter, sort or cursor value the list cannot use; the message says which and why."""


@dataclass(frozen=True)
class ListQuery:
    q: str = ""
    status: CaseStatus | None = None
    debtor_id: int | None = None
    advocate_id: int | None = None
    owner_id: int | None = None       # the staff member who follows the debtor up (collections)
    ageing: str | None = None
    min_due: Decimal | None = None
    max_due: Decimal | None = None
    sort: str = "newest"
    after: str | None = None
    before: str | None = None

    def params(self, **override) -> dict[str, str]:
        """The query string that reproduces this list (for links), without empty values."""
        values = {"q": self.q, "status": self.status.value if self.status else "",
                  "debtor": self.debtor_id or "", "advocate": self.advocate_id or "",
                  "owner": self.owner_id or "",
                  "ageing": self.ageing or "", "min_due": self.min_due if self.min_due is not None else "",
                  "max_due": self.max_due if self.max_due is not None else "",
                  "sort": self.sort if self.sort != "newest" else ""}
        values.update(override)
        return {k: str(v) for k, v in values.items() if v not in ("", None)}


def _int(args, name: str, label: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise BadListQuery(f"The {label} filter must be chosen from the list (got “{raw[:40]}”).")
    return int(raw)


def _money(args, name: str, label: str) -> Decimal | None:
    raw = (args.get(name) or "").strip().replace(",", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadListQuery(f"The {label} must be an amount in rupees, like 150000 "
                           f"(got “{raw[:40]}”).") from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        raise BadListQuery(f"The {label} must be an amount between 0 and 99,99,99,99,999.99.")
    return value.quantize(Decimal("0.01"))


def parse(args) -> ListQuery:
    """The list's query from the request's arguments; BadListQuery for a value it cannot use."""
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        raise BadListQuery(f"The search can be at most {MAX_QUERY} characters.")
    status = None
    if raw := (args.get("status") or "").strip():
        try:
            status = CaseStatus(raw)
        except ValueError:
            raise BadListQuery(f"There is no case status “{raw[:40]}”.") from None
    ageing = (args.get("ageing") or "").strip() or None
    if ageing is not None and ageing not in AGEING:
        raise BadListQuery(f"There is no ageing bucket “{ageing[:40]}”.")
    sort = (args.get("sort") or "").strip() or "newest"
    if sort not in SORTS:
        raise BadListQuery(f"The list cannot be sorted by “{sort[:40]}”.")
    min_due = _money(args, "min_due", "smallest outstanding")
    max_due = _money(args, "max_due", "largest outstanding")
    if min_due is not None and max_due is not None and min_due > max_due:
        raise BadListQuery("The smallest outstanding amount is more than the largest.")
    after, before = args.get("after") or None, args.get("before") or None
    if after and before:
        raise BadListQuery("A page is either after or before another, not both.")
    query = ListQuery(q=q, status=status, debtor_id=_int(args, "debtor", "debtor"),
                      advocate_id=_int(args, "advocate", "advocate"),
                      owner_id=_int(args, "owner", "staff owner"), ageing=ageing,
                      min_due=min_due, max_due=max_due, sort=sort, after=after, before=before)
    if after:
        _decode(after, sort)
    if before:
        _decode(before, sort)
    return query


# --- the figures: the sums stored on the case (portal.cases.totals), the oldest unpaid due date as a
# correlated subquery (it uses the index on case_id; computed only for a page's rows unless the
# ageing filter asks for it) ---------------------------------------------------------------------------

def _invoiced():
    return Case.invoiced_sum


def _oldest_unpaid_due():
    paid_on_invoice = (select(func.coalesce(func.sum(Payment.amount), 0))
                       .where(Payment.invoice_id == Invoice.id).correlate(Invoice).scalar_subquery())
    return (select(func.min(Invoice.due_date))
            .where(Invoice.case_id == Case.id, paid_on_invoice < Invoice.total)
            .correlate(Case).scalar_subquery())


def _outstanding():
    return Case.outstanding_sum


def _sort_key(sort: str, debtor):
    return {"newest": (Case.created_at, False), "oldest": (Case.created_at, True),
            "amount": (_outstanding(), False), "debtor": (debtor.legal_name, True)}[sort]


# --- cursors: the kernel's keyset helper (portal.paging), named for the sort they were made for ---------

_KINDS = {"newest": "datetime", "oldest": "datetime", "amount": "decimal", "debtor": "str"}


def _encode(sort: str, value, case_id: int) -> str:
    if isinstance(value, (Decimal, float, int)):
        value = Decimal(str(value)).quantize(Decimal("0.01"))
    return encode_cursor(sort, value, case_id)


def _decode(token: str, sort: str):
    """(value, case id) of a cursor made for this sort; BadListQuery for anything else."""
    try:
        return decode_cursor(token, sort, _KINDS[sort])
    except BadCursor as exc:
        raise BadListQuery(str(exc)) from None


# --- the statement ---------------------------------------------------------------------------------

# The debtor and advocate joined to each listed case. Made once: an alias made per request costs
# its column adaptation again every time (about a millisecond of CPU per page).
_DEBTOR, _ADVOCATE = aliased(Party, name="list_debtor"), aliased(User, name="list_advocate")
# What a list shows of the case itself: its columns, not the mapped Case (loading 50 full entities
# with their identity-map bookkeeping cost more CPU than the rest of the statement).
_CASE_COLUMNS = (Case.id, Case.reference, Case._status, Case.claim_type, Case.created_at)


class Listed(NamedTuple):
    """The case columns of a listed row."""
    id: int
    reference: str
    status: CaseStatus
    claim_type: ClaimType
    created_at: datetime


def statement(visible: Select, query: ListQuery, today: date) -> tuple[Select, bool]:
    """The filtered, ordered rows (the case's columns, reference figures...) and whether they come in
    reverse (a "previous page" is read backwards, then turned round)."""
    debtor, advocate = _DEBTOR, _ADVOCATE
    outstanding = _outstanding()
    stmt = (visible.order_by(None).with_only_columns(*_CASE_COLUMNS)
            .join(debtor, debtor.id == Case.debtor_party_id)
            .outerjoin(advocate, advocate.id == Case.advocate_id)
            .add_columns(debtor.legal_name.label("debtor_name"), debtor.gstin.label("debtor_gstin"),
                         advocate.name.label("advocate_name"), _invoiced().label("invoiced"),
                         outstanding.label("outstanding"), _oldest_unpaid_due().label("oldest_due")))
    if query.q:
        stmt = stmt.where(or_(
            Case.reference.icontains(query.q, autoescape=True),
            debtor.legal_name.icontains(query.q, autoescape=True),
            debtor.gstin.icontains(query.q, autoescape=True),
            select(Invoice.id).where(Invoice.case_id == Case.id,
                                     Invoice.number.icontains(query.q, autoescape=True))
            .correlate(Case).exists()))
    if query.status is not None:
        stmt = stmt.where(Case._status == query.status)
    if query.debtor_id is not None:
        stmt = stmt.where(Case.debtor_party_id == query.debtor_id)
    if query.advocate_id is not None:
        stmt = stmt.where(Case.advocate_id == query.advocate_id)
    if query.owner_id is not None:
        stmt = stmt.where(debtor_owned_by(query.owner_id))
    if query.min_due is not None:
        stmt = stmt.where(outstanding >= literal(query.min_due, Numeric(14, 2)))
    if query.max_due is not None:
        stmt = stmt.where(outstanding <= literal(query.max_due, Numeric(14, 2)))
    if query.ageing is not None:
        stmt = stmt.where(outstanding > 0, _ageing_clause(_oldest_unpaid_due(), query.ageing, today))

    key, ascending = _sort_key(query.sort, debtor)
    backwards = query.before is not None
    token = query.before or query.after
    cursor = None
    if token:
        value, case_id = _decode(token, query.sort)
        if query.sort == "amount":
            value = literal(value, Numeric(14, 2))
        cursor = (value, case_id)
    return seek(stmt, key, Case.id, cursor, ascending=ascending, backwards=backwards), backwards


def _ageing_clause(due, bucket: str, today: date):
    def days_ago(n: int) -> date:
        return today - timedelta(days=n)
    return {"not_due": due >= today,
            "1_30": and_(due < today, due >= days_ago(30)),
            "31_60": and_(due < days_ago(30), due >= days_ago(60)),
            "61_90": and_(due < days_ago(60), due >= days_ago(90)),
            "90_plus": due < days_ago(90)}[bucket]


@dataclass(frozen=True)
class Row:
    case: Listed
    debtor_name: str
    debtor_gstin: str | None
    advocate_name: str | None
    invoiced: Decimal
    outstanding: Decimal
    oldest_due: date | None


def _row(r) -> Row:
    def money(v) -> Decimal:
        return Decimal(str(v or 0)).quantize(Decimal("0.01"))
    oldest = r.oldest_due
    if isinstance(oldest, str):  # SQLite returns MIN() over a date column untyped
        oldest = date.fromisoformat(oldest)
    return Row(Listed(*r[:5]), r.debtor_name, r.debtor_gstin, r.advocate_name, money(r.invoiced),
               money(r.outstanding), oldest)


def _key_value(sort: str, row: Row):
    return {"newest": row.case.created_at, "oldest": row.case.created_at, "amount": row.outstanding,
            "debtor": row.debtor_name}[sort]


def page(session, visible: Select, query: ListQuery, today: date, size: int = PAGE_SIZE) -> Page:
    """One page of rows (one SQL statement) and the cursors of the pages either side."""
    stmt, backwards = statement(visible, query, today)
    rows = [_row(r) for r in session.execute(stmt.limit(size + 1))]
    return turn(rows, size, backwards=backwards, came_after=query.after is not None,
                cursor_of=lambda row: _encode(query.sort, _key_value(query.sort, row), row.case.id))


def export_rows(session, visible: Select, query: ListQuery, today: date):
    """Every row of the filtered list (from the first page, up to EXPORT_LIMIT), for the CSV."""
    stmt, _ = statement(visible, ListQuery(**{**query.__dict__, "after": None, "before": None}), today)
    return [_row(r) for r in session.execute(stmt.limit(EXPORT_LIMIT))]


def bucket_label(oldest_due: date | None, outstanding: Decimal, today: date) -> str:
    if oldest_due is None or outstanding <= 0:
        return ""
    days = (today - oldest_due).days
    key = ("not_due" if days <= 0 else "1_30" if days <= 30 else "31_60" if days <= 60
           else "61_90" if days <= 90 else "90_plus")
    return AGEING[key]


MENU_LIMIT = 100  # debtors a filter menu offers; beyond that the search box finds one by name


def choices(session, visible: Select, org_id: int | None = None
            ) -> tuple[list[tuple[int, str]] | None, list[tuple[int, str]]]:
    """The debtors and advocates of the user's cases, for the filter menus. The debtors are None when
    there are more than MENU_LIMIT (a menu of thousands is slow to send and useless to read: the
    search box finds a debtor by name). Neither reads every case:

    `org_id`: the user sees exactly that creditor's cases. The debtors are read in name order from
    its own parties (intake gives a case's debtor to the creditor's organisation), through the index
    on them, and stop after MENU_LIMIT + 1. Otherwise (an advocate) the debtors are read only when the
    user sees at most MENU_LIMIT cases. The advocates are those with at least one of the visible cases
    (an EXISTS per advocate through the index on cases by advocate)."""
    ids = visible.order_by(None).with_only_columns(Case.id)
    advocates = session.execute(select(User.id, User.name).where(
        User.role == Role.ADVOCATE,
        (select(Case.id).where(Case.advocate_id == User.id, Case.creditor_org_id == org_id)
         if org_id is not None else ids.where(Case.advocate_id == User.id)).exists())
        .order_by(User.name, User.id).limit(1000)).all()
    if org_id is not None:
        debtors = session.execute(select(Party.id, Party.legal_name).where(
            Party.created_by_org_id == org_id,
            select(Case.id).where(Case.debtor_party_id == Party.id, Case.creditor_org_id == org_id).exists())
            .order_by(Party.legal_name, Party.id).limit(MENU_LIMIT + 1)).all()
    elif session.scalar(select(func.count()).select_from(ids.limit(MENU_LIMIT + 1).subquery())) > MENU_LIMIT:
        debtors = None
    else:
        debtors = session.execute(select(Party.id, Party.legal_name).where(
            Party.id.in_(select(Case.debtor_party_id).where(Case.id.in_(ids))))
            .order_by(Party.legal_name, Party.id).limit(MENU_LIMIT + 1)).all()
    if debtors is not None and len(debtors) > MENU_LIMIT:
        debtors = None
    return (None if debtors is None else [tuple(d) for d in debtors]), [tuple(a) for a in advocates]


def owner_choices(session, user) -> list[tuple[int, str]]:
    """The creditor's staff, for the staff-owner filter (its own staff only; nobody else's)."""
    if user.role != Role.CREDITOR or not user.org_id:
        return []
    return [tuple(u) for u in session.execute(select(User.id, User.name).where(
        User.org_id == user.org_id, User.role == Role.CREDITOR).order_by(User.name, User.id).limit(1000))]
