"""The collections figures follow a change at once: a payment recorded after the portfolio was
rolled up moves the debtor's outstanding and the totals in the recording transaction, and a small
organisation's look-back figures are worked out again on the next visit."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import select

from portal.cases import CaseStatus, PaymentMethod, fire, record_payment
from portal.database import commit
from portal.extensions import db
from portal.receivables import rollup
from portal.receivables.models import DebtorPosition, PortfolioSnapshot
from tests.factories import CreditorFactory
from tests.receivables.helpers import debtor_case, invoice

TODAY = date.today()


def test_a_payment_moves_the_rolled_up_figures_in_its_own_transaction(client, auth, db_session):
    creditor = CreditorFactory()
    case = debtor_case(creditor, invoice("F-1", TODAY - timedelta(days=40), "10000.00"))
    commit()
    auth.login_as(creditor)
    assert client.get("/collections/portfolio").status_code == 200
    position = db.session.scalar(select(DebtorPosition).where(DebtorPosition.party_id == case.debtor_party_id))
    assert position.outstanding == Decimal("10000.00")

    record_payment(creditor, case, Decimal("4000.00"), TODAY, PaymentMethod.NEFT, reference="UTR1")
    commit()
    db.session.expire_all()
    position = db.session.scalar(select(DebtorPosition).where(DebtorPosition.party_id == case.debtor_party_id))
    assert position.outstanding == Decimal("6000.00")
    snap = db.session.get(PortfolioSnapshot, creditor.org_id)
    assert json.loads(snap.figures)["stale"] is True
    assert Decimal(json.loads(snap.figures)["totals"][0]) == Decimal("6000.00")

    page = client.get("/collections/portfolio").get_data(as_text=True)
    assert "₹6,000.00" in page
    db.session.expire_all()
    assert "stale" not in json.loads(db.session.get(PortfolioSnapshot, creditor.org_id).figures)


def test_a_commit_touching_a_case_reads_the_snapshot_once_and_marks_it_stale_in_the_same_write(
        client, auth, db_session):
    creditor = CreditorFactory()
    case = debtor_case(creditor, invoice("F-2", TODAY - timedelta(days=40), "10000.00"))
    commit()
    auth.login_as(creditor)
    assert client.get("/collections/portfolio").status_code == 200
    record_payment(creditor, case, Decimal("1000.00"), TODAY, PaymentMethod.NEFT, reference="UTR2")
    seen: list[str] = []

    def on_statement(_conn, _cursor, statement, *_args) -> None:
        if "receivable_portfolio_snapshots" in statement:
            seen.append(statement.split()[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", on_statement)
    try:
        commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", on_statement)
    assert seen == ["SELECT", "UPDATE"], seen  # locked and read once, totals and "stale" in one write
    db.session.expire_all()
    figures = json.loads(db.session.get(PortfolioSnapshot, creditor.org_id).figures)
    assert figures["stale"] is True and Decimal(figures["totals"][0]) == Decimal("9000.00")


def test_a_notice_served_marks_the_funnels_stale_and_recomputes_no_rows(client, auth, db_session, monkeypatch):
    """Serving a notice moves the legal funnel (the look-back figures), not what a debtor owes: the
    rows are left alone; withdrawing the claim (it ends) recomputes them."""
    creditor = CreditorFactory()
    case = debtor_case(creditor, invoice("F-1", TODAY - timedelta(days=40), "10000.00"),
                       status=CaseStatus.NOTICE_SIGNED)
    commit()
    auth.login_as(creditor)
    assert client.get("/collections/portfolio").status_code == 200
    recomputed = []
    real = rollup.debtors_changed
    monkeypatch.setattr(rollup, "debtors_changed", lambda *a, **k: recomputed.append(a) or real(*a, **k))

    fire(case, "serve_notice", None, payload={"notice_id": 1})
    commit()
    assert recomputed == []
    snap = db.session.get(PortfolioSnapshot, creditor.org_id)
    db.session.refresh(snap)
    assert json.loads(snap.figures)["stale"] is True

    fire(case, "withdraw", creditor)
    commit()
    assert recomputed == [(creditor.org_id, {case.debtor_party_id})]
    db.session.expire_all()
    assert db.session.scalar(select(DebtorPosition).where(DebtorPosition.party_id == case.debtor_party_id)) is None
