"""What collections adds to the case pages (through portal.cases.hooks): each case's priority with
its reasons, for the creditor's own staff only (DOMAIN 31: an internal aid, never shown to the
debtor, its advocate or a neutral), the case list's staff-owner filter, and the invoices collections
keeps a record about (which editing the facts cannot remove). The parts go to pages only, so the
reasons are in the page's language (the rules write them in English; portal.receivables.page_words
says them again)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from sqlalchemy import exists

from portal.accounts import Organization, Role
from portal.cases import Case, today_ist
from portal.database import referenced
from portal.extensions import db
from portal.receivables import scoring
from portal.receivables.models import DebtorSetting, InvoiceHold, Promise, Reminder
from portal.receivables.page_words import reasons_said
from portal.receivables.priority import Score


def invoices_on_record(invoice_ids: Iterable[int]) -> set[int]:
    """The invoices collections has reminders, promises, disputes or holds about."""
    return referenced(invoice_ids, Reminder.invoice_id, Promise.invoice_id, InvoiceHold.invoice_id)


def _staff_org(user) -> Organization | None:
    if getattr(user, "role", None) != Role.CREDITOR or not getattr(user, "org_id", None):
        return None
    return db.session.get(Organization, user.org_id)


def case_priority(user, case: Case) -> Score | None:
    org = _staff_org(user)
    if org is None or case.creditor_org_id != org.id:
        return None
    return _said(scoring.case_score(org, today_ist(), case))


def list_priorities(user, case_ids: list[int], today: date) -> dict[int, Score]:
    """The page's cases of the user's own organisation, scored; {} for anyone but its staff."""
    org = _staff_org(user)
    if org is None or not case_ids:
        return {}
    # Every query of the scores is scoped to the organisation: another's case among the ids finds
    # nothing and gets no score.
    return {case_id: _said(s) for case_id, s in scoring.case_scores(org, today, set(case_ids)).items()}


def _said(score: Score | None) -> Score | None:
    """The score with its reasons in the page's language (the same in English)."""
    return None if score is None else replace(score, reasons=reasons_said(score.reasons))


def debtor_owned_by(owner_id: int):
    """Cases whose debtor the creditor has allocated to this staff member (one owner per debtor): an
    EXISTS on the settings' (party_id) index, which PostgreSQL runs as a nested loop beside the list's
    index-ordered scan of cases, stopping after a page (benchmarks/case_list.py)."""
    return exists().where(DebtorSetting.org_id == Case.creditor_org_id,
                          DebtorSetting.party_id == Case.debtor_party_id, DebtorSetting.owner_id == owner_id)
