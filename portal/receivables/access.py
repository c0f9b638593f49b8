"""Who may see and do what in collections, in one place.

Creditor staff (role creditor, in an organisation) see their own organisation's follow-up levels
and debtors; only the organisation's administrator changes the levels. A debtor of another
organisation is not found (404), as with cases. The debtor through a reminder link sees only that
creditor's invoices to it.
"""
from __future__ import annotations

from flask import abort
from sqlalchemy import exists, select, tuple_

from portal.accounts import Role
from portal.cases import Case, Invoice, Party
from portal.extensions import db
from portal.receivables.calls import Call, open_calls
from portal.receivables.models import DebtorSetting, ReminderLevel, ReminderLink, ReminderPolicy
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


def debtors_page(org_id: int, after_party_id: int | None, size: int) -> list[Party]:
    """The organisation's debtors (parties of its cases) by name, `size` of them after the named one:
    one statement through the index on the organisation's parties by name."""
    stmt = select(Party).where(
        Party.created_by_org_id == org_id,
        select(Case.id).where(Case.debtor_party_id == Party.id, Case.creditor_org_id == org_id).exists())
    if after_party_id is not None:
        last = select(Party.legal_name).where(Party.id == after_party_id).scalar_subquery()
        stmt = stmt.where(tuple_(Party.legal_name, Party.id) > tuple_(last, after_party_id))
    return list(db.session.scalars(stmt.order_by(Party.legal_name, Party.id).limit(size)))
