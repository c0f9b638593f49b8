"""The assignment and decline e-mails, rendered from fixed data and compared with the stored text
(tests/snapshots/email/): a change of wording shows in review. SULAH_UPDATE_SNAPSHOTS=1 rewrites them."""
from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template

from portal.cases.states import CaseStatus

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "email"
ORG = SimpleNamespace(legal_name="Kaveri Looms Private Limited")
ADVOCATE = SimpleNamespace(name="Adv. Nandini Rao")
ACTOR = SimpleNamespace(name="Meera Kulkarni")


def case(reference: str, debtor: str, total: str) -> SimpleNamespace:
    return SimpleNamespace(reference=reference, creditor=ORG, debtor=SimpleNamespace(legal_name=debtor),
                           invoiced_total=Decimal(total), status=CaseStatus.FILED)


ONE = case("SUL-2026-000042", "Narmada Apparel LLP", "157500.00")
TWO = case("SUL-2026-000043", "Lotus Fashion", "25000.00")
URL = "https://sulah.example/cases/"

RENDERS = {
    "case_assigned_one.txt": ("email/case_assigned.txt", dict(
        advocate=ADVOCATE, actor=ACTOR, org=ORG, items=[(ONE, URL + ONE.reference)])),
    "case_assigned_many.txt": ("email/case_assigned.txt", dict(
        advocate=ADVOCATE, actor=ACTOR, org=ORG, items=[(ONE, URL + ONE.reference), (TWO, URL + TWO.reference)])),
    "case_declined.txt": ("email/case_declined.txt", dict(
        case=ONE, advocate=ADVOCATE, url=URL + ONE.reference,
        reason="I act for the debtor in another matter: a conflict of interest.")),
}


@pytest.mark.parametrize("snapshot", sorted(RENDERS))
def test_email_text_matches_its_snapshot(app, snapshot):
    template, context = RENDERS[snapshot]
    with app.app_context():
        text = render_template(template, **context)
    path = SNAPSHOTS / snapshot
    if os.environ.get("SULAH_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}: run with SULAH_UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text(encoding="utf-8")
