"""Who may see and do what in collections, in one place.

Creditor staff (role creditor, in an organisation) see their own organisation's follow-up levels
and debtors; only the organisation's administrator changes the levels. A debtor of another
organisation is not found (404), as with cases. The debtor through a reminder link sees only that
creditor's invoices to it.
"""
from __future__ import annotations

from flask import abort
from sqlalchemy import and_, exists, select

from portal.accounts import Role
from portal.cases import Case, Invoice, Party
from portal.extensions import db
from portal.paging import Page, PageArgs, keyset_page
from portal.receivables.calls import Call, open_calls
from portal.receivables.models import (
    DebtorPosition,
    DebtorSetting,
    ReminderLevel,
    ReminderLink,
    ReminderPolicy,
)
from portal.types import utcnow


def require_staff(user, *, admin: bool = False) -> int:
    """The organisation id of a creditor staff member; 403 for anyone else."""
    if getattr(user, "role", None) != Role.CREDITOR or not getattr(user, "org_id", None):
        abort(403, "Collections are for the creditor's staff.")
    if admin and not user.is_org_admin:
        abort(403, "Only the organisation's administrator changes the follow-up levels.")
    return user.org_id


def debtor_of(org_id: int, party_id: int) -> Party:
    """The party if the organisation has a claim against it, else 404."""
    party = db.session.get(Party, party_id)
    if party is None or not db.session.scalar(select(exists().where(
            Case.debtor_party_id == party_id, Case.creditor_org_id == org_id))):
        abort(404)
    return party


def level_of(org_id: int, level_id: int) -> ReminderLevel:
    level = db.session.get(ReminderLevel, level_id)
    if level is None or db.session.get(ReminderPolicy, level.policy_id).org_id != org_id:
        abort(404)
    return level


def invoice_for_link(link: ReminderLink, invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.case.creditor_org_id != link.org_id or \
            invoice.case.debtor_party_id != link.party_id:
        abort(404)
    return invoice


def invoice_of(org_id: int, party_id: int, invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.case.creditor_org_id != org_id or invoice.case.debtor_party_id != party_id:
        abort(404)
    return invoice


def call_for(user, org_id: int, party_id: int, level_id: int) -> Call:
    """The open call about this debtor after this level's reminder: 404 when there is none (recorded
    already, or too old), 403 when the level names another member of the staff (or the debtor is
    someone else's) and the user is not the organisation's administrator."""
    owner = db.session.scalar(select(DebtorSetting.owner_id).where(DebtorSetting.org_id == org_id,
                                                                   DebtorSetting.party_id == party_id))
    call = next((c for c in open_calls(org_id, {party_id: owner}, utcnow()) if c.level_id == level_id), None)
    if call is None:
        abort(404, "There is no open call about this debtor at this level.")
    if call.caller_id not in (None, user.id) and not user.is_org_admin:
        abort(403, "This call is for another member of the staff.")
    return call


DEBTORS_TAG = "debtors"


def debtors_page(org_id: int, args: PageArgs) -> Page:
    """The organisation's debtors (parties of its cases) by name, A to Z, each with its rolled-up
    position (None when it owes nothing or the rollup has not reached it): rows of (Party,
    DebtorPosition | None), one statement through the index on the organisation's parties by name.
    BadCursor (a 400) for a cursor not made for this list."""
    stmt = (select(Party, DebtorPosition)
            .outerjoin(DebtorPosition, and_(DebtorPosition.org_id == org_id,
                                            DebtorPosition.party_id == Party.id))
            .where(Party.created_by_org_id == org_id,
                   select(Case.id).where(Case.debtor_party_id == Party.id,
                                         Case.creditor_org_id == org_id).exists()))
    return keyset_page(db.session, stmt, Party.legal_name, Party.id, tag=DEBTORS_TAG, args=args,
                       kind="str", ascending=True)
