"""Collections before the notice: the creditor's staff pages (/collections/...), and the debtor's
reminder link (/r/<token>), which is public: its token and then a one-time code are its authority
(tests/receivables/test_reminder_link.py tries it without them)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from portal.cases.intake import today_ist
from portal.extensions import db
from portal.payments.models import PaymentReport, ReportStatus
from portal.receivables.models import InvoiceHold, Promise, Reminder
from portal.receivables.policies import policy_for
from portal.receivables.states import ReminderStatus
from portal.types import utcnow
from tests.matrix.common import ALL_CREDITORS, CREDITORS, NOBODY, ORG_ADMINS, OTHER_ORG, Probe, allow


def _level(w) -> int:
    return policy_for(w.creditor_admin.org_id).levels[1].id


def _party(w) -> int:
    return w.case().debtor_party_id


def _promise(w) -> int:
    case = w.case()
    p = Promise(org_id=case.creditor_org_id, party_id=case.debtor_party_id, case_id=case.id,
                invoice_id=case.invoices[0].id, amount=100, promised_for=today_ist(), paid_before=0,
                made_how="test")
    db.session.add(p)
    db.session.flush()
    return p.id


def _report(w) -> int:
    case = w.case()
    r = PaymentReport(case_id=case.id, amount=Decimal("1000.00"), utr="412345678901", paid_on=today_ist(),
                      status=ReportStatus.REPORTED)
    db.session.add(r)
    db.session.flush()
    return r.id


def _dispute(w) -> int:
    case = w.case()
    h = InvoiceHold(org_id=case.creditor_org_id, party_id=case.debtor_party_id,
                    invoice_id=case.invoices[0].id, kind="dispute", text="damaged", made_how="test")
    db.session.add(h)
    db.session.flush()
    return h.id


def _call(w) -> str:
    """A reminder at a level that asks for a call (the default +7) went to the debtor a moment ago."""
    case = w.case()
    level = next(lv for lv in policy_for(w.creditor_admin.org_id).levels if lv.call_task)
    db.session.add(Reminder(org_id=case.creditor_org_id, party_id=case.debtor_party_id, case_id=case.id,
                            invoice_id=case.invoices[0].id, level_id=level.id, _status=ReminderStatus.SENT,
                            due_on=today_ist(), sent_at=utcnow()))
    db.session.flush()
    return f"/collections/debtors/{case.debtor_party_id}/calls/{level.id}"


LEVEL_FORM = {"offset_days": "2", "channels": "email", "subject_en": "Reminder: {creditor}",
              "body_en": "Dear {debtor}, {amount} is due. {link}", "subject_hi": "अनुस्मारक",
              "body_hi": "प्रिय {debtor}, {amount} बकाया है। {link}"}

ROUTES = {
    ("receivables.settings", "GET"): Probe(lambda w: "/collections/", allow(ALL_CREDITORS, 200),
                                           hidden_from=NOBODY),
    ("receivables.today", "GET"): Probe(lambda w: "/collections/today", allow(ALL_CREDITORS, 200),
                                        hidden_from=NOBODY),
    ("receivables.portfolio", "GET"): Probe(lambda w: "/collections/portfolio", allow(ALL_CREDITORS, 200),
                                            hidden_from=NOBODY),
    ("receivables.portfolio_csv", "GET"): Probe(lambda w: "/collections/portfolio.csv?figure=ageing",
                                                allow(ALL_CREDITORS, 200), hidden_from=NOBODY),
    ("receivables.import_books", "GET"): Probe(lambda w: "/collections/books", allow(ALL_CREDITORS, 200),
                                               hidden_from=NOBODY),
    # Without a file the form is refused (422) and nothing changes; tests/receivables/test_books.py uploads.
    ("receivables.import_books", "POST"): Probe(lambda w: "/collections/books", allow(ALL_CREDITORS, 422),
                                                form=lambda w: {"source": "zoho"}, hidden_from=NOBODY),
    ("receivables.set_enabled", "POST"): Probe(lambda w: "/collections/enabled", allow(ORG_ADMINS, 302),
                                               form=lambda w: {"enabled": "on"}, hidden_from=NOBODY),
    ("receivables.edit_level", "GET"): Probe(lambda w: f"/collections/levels/{_level(w)}",
                                             {"creditor_admin": 200}, hidden_from=OTHER_ORG),
    ("receivables.edit_level", "POST"): Probe(lambda w: f"/collections/levels/{_level(w)}",
                                              {"creditor_admin": 302}, form=lambda w: LEVEL_FORM,
                                              hidden_from=OTHER_ORG),
    ("receivables.debtor", "GET"): Probe(lambda w: f"/collections/debtors/{_party(w)}", allow(CREDITORS, 200),
                                         hidden_from=OTHER_ORG),
    ("receivables.save_debtor_settings", "POST"): Probe(
        lambda w: f"/collections/debtors/{_party(w)}/settings", allow(CREDITORS, 302),
        form=lambda w: {"mode": "automatic", "language": "en"}, hidden_from=OTHER_ORG),
    ("receivables.record_promise", "POST"): Probe(
        lambda w: f"/collections/debtors/{_party(w)}/promises", allow(CREDITORS, 302),
        form=lambda w: {"invoice_id": str(w.case().invoices[0].id), "amount": "1000",
                        "promised_for": (today_ist() + timedelta(days=3)).isoformat()},
        hidden_from=OTHER_ORG),
    ("receivables.cancel_promise", "POST"): Probe(
        lambda w: f"/collections/promises/{_promise(w)}/cancel", allow(CREDITORS, 302), form=lambda w: {},
        hidden_from=OTHER_ORG),
    # Anyone of the staff when the level names nobody and nobody follows the debtor up; a call the
    # level names another person for is 403 (tests/receivables/test_calls.py).
    ("receivables.record_call", "POST"): Probe(_call, allow(CREDITORS, 302), form=lambda w: {"outcome": "reached"},
                                               hidden_from=OTHER_ORG),
    ("receivables.allocate", "POST"): Probe(
        lambda w: f"/collections/debtors/{_party(w)}/owner", {"creditor_admin": 302},
        form=lambda w: {"owner_id": str(w.creditor_staff.id)}, hidden_from=OTHER_ORG),
    ("receivables.set_priority", "POST"): Probe(
        lambda w: f"/collections/debtors/{_party(w)}/priority", allow(CREDITORS, 302),
        form=lambda w: {"value": "10", "reason": "asked to call"}, hidden_from=OTHER_ORG),
    ("receivables.confirm_payment", "POST"): Probe(
        lambda w: f"/collections/reports/{_report(w)}/confirm", allow(CREDITORS, 302), form=lambda w: {},
        hidden_from=OTHER_ORG),
    ("receivables.reject_payment", "POST"): Probe(
        lambda w: f"/collections/reports/{_report(w)}/reject", allow(CREDITORS, 302),
        form=lambda w: {"reason": "Not in our bank statement"}, hidden_from=OTHER_ORG),
    ("receivables.answer_dispute", "POST"): Probe(
        lambda w: f"/collections/disputes/{_dispute(w)}/answer", allow(CREDITORS, 302),
        form=lambda w: {"answer": "Replaced the goods"}, hidden_from=OTHER_ORG),
}

_LINK = "holder of the reminder link; a one-time code to the debtor's own address before anything shows"
PUBLIC = {
    ("receivables.link_home", "GET"): _LINK,
    ("receivables.link_send_code", "POST"): _LINK,
    ("receivables.link_open", "POST"): _LINK,
    ("receivables.link_statement_csv", "GET"): _LINK + " (403 without it)",
    ("receivables.link_statement_pdf", "GET"): _LINK + " (403 without it)",
    ("receivables.link_invoice", "GET"): _LINK + " (403 without it)",
    ("receivables.link_act", "POST"): _LINK + " (403 without it)",
}
