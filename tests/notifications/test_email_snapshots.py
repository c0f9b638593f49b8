"""Each notify e-mail this module sends, in English and in Hindi, rendered from fixed facts and
compared with its stored text (tests/snapshots/email/notify_<kind>.<lang>.txt): a change of wording
shows in review. SULAH_UPDATE_SNAPSHOTS=1 rewrites them."""
from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from portal.notifications import delivery, rules
from portal.notifications.rules import Mail

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "email"
FACTS = {"reference": "SUL-2026-000042", "creditor": "Kaveri Looms Private Limited",
         "debtor": "Narmada Apparel LLP", "round": 2, "number": 3, "instalment": 1, "pay_within_days": 15,
         "how": "delivery reported to the addressee's resource (email → accounts@narmada.example)",
         "how_hi": "पाने वाले के संसाधन में डिलीवरी की सूचना (email → accounts@narmada.example)",
         "pay_by_text": "17 Dec 2026", "complaint_from_text": "18 Dec 2026",
         "pay_by_text_hi": "17 दिसंबर 2026", "complaint_from_text_hi": "18 दिसंबर 2026",
         "invoice": "KT/24-25/118", "days_left": 30, "side": "creditor",
         "neutral_name": "Justice (Retd.) A. Menon", "title": "Statement of defence",
         "advocate_name": "Adv. Nandini Rao", "assigned_by": "Meera Kulkarni",
         "reason": "I act for the debtor in another matter: a conflict of interest."}
DUE = datetime(2026, 12, 20, 11, 30, tzinfo=UTC)  # 17:00 IST
URL = "https://sulah.example/cases/SUL-2026-000042"


def mailed_rules() -> dict[str, rules.Tell]:
    """One rule per (kind, audience group) that this module mails, named for its snapshot."""
    out = {}
    for action, tells in rules.RULES.items():
        for tell in tells:
            if tell.mail not in (Mail.NEW, Mail.EXISTING_IF_ACCOUNT):
                continue
            who = "debtor" if tell.to == (rules.Audience.DEBTOR,) else "-".join(a.value for a in tell.to)
            name = f"notify_{tell.kind}.{who}" if not action.startswith("debtor.") else \
                f"notify_{tell.kind}.{action.split('.')[1]}.{who}"
            out.setdefault(name, tell)
    return out


CASES = [(name, lang) for name in sorted(mailed_rules()) for lang in ("en", "hi")]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_notify_email_matches_its_snapshot(app, name, lang):
    tell = mailed_rules()[name]
    due = None if tell.due is rules.no_due else DUE  # a rule with a clock shows its date
    with app.app_context():
        entry = delivery.entry(tell, FACTS, due, URL)
        text = delivery.render(lang, name="Meera Kulkarni", entries=[entry])
        if tell.to == (rules.Audience.DEBTOR,):  # the debtor's mail has its subject in the debtor's language
            text = f"Subject: {delivery.compose('Meera Kulkarni', [entry], lang)[0]}\n\n{text}"
    check(f"{name}.{lang}.txt", text)


@pytest.mark.parametrize("lang", delivery.LANGUAGES)
def test_several_items_of_one_transaction_make_one_mail(app, lang):
    """A batch of notices approved at once: one mail listing each case, not one per case."""
    tells = mailed_rules()
    first = tells["notify_notice_approved.creditor"]
    with app.app_context():  # the messages come from the app's catalogue
        entries = [delivery.entry(first, {**FACTS, "reference": ref}, None, f"https://sulah.example/notices/{n}")
                   for n, ref in enumerate(("SUL-2026-000042", "SUL-2026-000043"), start=1)]
        subject, _ = delivery.compose("Meera Kulkarni", entries)
        text = delivery.render(lang, name="Meera Kulkarni", entries=entries)
    assert subject == "2 steps on Sulah wait for you"
    check(f"notify_digest.creditor.{lang}.txt", text)


def check(snapshot: str, text: str, folder: Path = SNAPSHOTS) -> None:
    path = folder / snapshot
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}: run with SULAH_UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def test_every_event_the_issue_names_has_a_rule():
    named = {"case.submit_notice", "notice.changes_requested", "notice.approved", "notice.signed",
             "case.serve_notice", "debtor.dispute", "offer.made", "bidding.agreed", "bidding.round_failed",
             "settlement.created", "settlement.signed", "settlement.instalment_reminder",
             "settlement.instalment_defaulted", "arbitration.arbitrator_accepted",
             "arbitration.hearing_scheduled", "arbitration.procedural_order", "award.served"}
    assert named <= set(rules.RULES)
    assert len(CASES) >= 2 * 15
