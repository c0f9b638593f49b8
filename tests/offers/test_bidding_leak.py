"""The leak test (issue done-when): a full blind bidding that never settles, between distinctive
figures, and neither side's figure appears, however it is formatted, in any page or JSON response
the other side, the conciliator or the platform admin can fetch, in any e-mail sent, or in the
audit trail. Each side does see its own figures (so the search is not vacuous)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from arbitration.odr.models.offers import BiddingAgreement
from arbitration.odr.states import BiddingStatus
from portal.audit import AuditEvent
from portal.extensions import db
from portal.web.filters import inr
from tests.offers.world import Room

CREDITOR_FIGURES = ("123456.78", "120987.65")   # the least it will accept, rounds 1 and 2
DEBTOR_FIGURES = ("34567.89", "45678.12")       # the most it will pay
CREDITOR_SIDE = ("creditor_admin", "creditor_staff", "advocate")
DEBTOR_SIDE = ("guest", "debtor")                # through the personal link, and with an account
OBSERVERS = ("neutral", "admin")


def spellings(figure: str) -> set[str]:
    """The figure written every way a page, a JSON encoder or an e-mail might write it."""
    value = Decimal(figure)
    whole, paise = figure.split(".")
    rupees = value.quantize(Decimal("1"), ROUND_HALF_UP)  # rounded to the rupee, e.g. ₹1,23,457
    return {figure, f"{value:,.2f}", inr(value), inr(value).removeprefix("₹"), f"{value:.1f}", f"{whole},{paise}",
            f"{float(value)!r}", f"{rupees:,}", inr(rupees).removesuffix(".00").removeprefix("₹")}


UNRENDERABLE: dict[str, str] = {}  # pages of other areas that failed outright (nothing to leak)


def case_pages(app, reference: str) -> list[str]:
    """Every GET page of the app that takes only the case reference (rooms, settlement, audit, API, ...)."""
    return sorted(rule.build({"reference": reference})[1] for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and set(rule.arguments) == {"reference"})


def fetch_all(room, who: str) -> dict[str, bytes]:
    client = room.client(who)
    bodies = {}
    for path in case_pages(room.app, room.ref):
        try:
            response = client.get(path)
        except Exception as exc:  # noqa: BLE001  (a page that cannot render shows nothing to anyone)
            UNRENDERABLE[path] = repr(exc)
        else:
            bodies[path] = response.get_data()
            response.close()
    json_status = client.get(f"/odr/{room.ref}/bidding.json", headers={"Accept": "application/json"})
    bodies["bidding.json"] = json_status.get_data()
    return bodies


def leaks(bodies: dict[str, bytes], figures) -> list[tuple[str, str]]:
    return [(where, text) for figure in figures for text in spellings(figure)
            for where, body in bodies.items() if text.encode() in body]


@pytest.fixture
def room(app, client, db_session, outbox):
    room = Room(app)
    room.client("guest", outbox)
    return room


def test_no_settlement_reveals_neither_figure(room, outbox):
    bidding = room.client("creditor_admin").get(f"/odr/{room.ref}/bidding")
    assert bidding.status_code == 200
    assert room.post("creditor_admin", "/bidding", {"rounds": "2", "gap_kind": "percent", "gap_value": "0",
                                                   "pay_within_days": "15"}).status_code == 302
    agreement = db.session.scalar(select(BiddingAgreement).where(BiddingAgreement.case_id == room.case.id))
    assert room.post("guest", f"/bidding/{agreement.id}/agree").status_code == 302
    for creditor_figure, debtor_figure in zip(CREDITOR_FIGURES, DEBTOR_FIGURES, strict=True):
        assert room.post("advocate", f"/bidding/{agreement.id}/bids", {"amount": creditor_figure}).status_code == 302
        assert room.post("guest", f"/bidding/{agreement.id}/bids", {"amount": debtor_figure}).status_code == 302
    db.session.expire_all()
    assert agreement.status == BiddingStatus.EXHAUSTED and agreement.settled_amount is None

    for who in CREDITOR_SIDE:
        bodies = fetch_all(room, who)
        assert {f"/odr/{room.ref}/bidding", f"/odr/{room.ref}/offers", f"/cases/{room.ref}/audit"} <= set(bodies)
        assert not leaks(bodies, DEBTOR_FIGURES), who
        page = bodies[f"/odr/{room.ref}/bidding"].decode()
        assert "No settlement in round 1" in page and "No settlement in round 2" in page
        assert all(inr(Decimal(f)) in page for f in CREDITOR_FIGURES), f"{who} should see its own figures"
    for who in DEBTOR_SIDE:
        bodies = fetch_all(room, who)
        assert not leaks(bodies, CREDITOR_FIGURES), who
        assert all(inr(Decimal(f)) in bodies[f"/odr/{room.ref}/bidding"].decode() for f in DEBTOR_FIGURES), who
    for who in OBSERVERS:
        bodies = fetch_all(room, who)
        assert bodies[f"/odr/{room.ref}/bidding"].count(b"No settlement in round") == 2, who
        assert not leaks(bodies, CREDITOR_FIGURES + DEBTOR_FIGURES), who

    mails = {f"mail {i}: {m['Subject']}": m.as_bytes() for i, m in enumerate(outbox())}
    assert any("blind bidding" in subject.lower() for subject in mails)  # the creditor's people were told
    assert not leaks(mails, CREDITOR_FIGURES + DEBTOR_FIGURES)
    ledger = {f"audit {e.action}": e.payload.encode() for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == room.case.id))}
    assert "audit bidding.figure_sealed" in ledger
    assert not leaks(ledger, CREDITOR_FIGURES + DEBTOR_FIGURES)
