"""The delivery-proof certificate carries what IT Act s.13 and BSA s.63 ask (issue 17.8): the places of
dispatch and receipt, a time of receipt only where one is proven (and says so where none is), postal
events at the tracker's own time or the day alone, and a Part A complete before it is sealed."""
from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from evidence import CertificateIncomplete
from notices.serving import dispatch as dispatching
from notices.serving import postal, proof
from notices.serving.models import ChannelKind, DeliveryProof
from portal.cases.intake import today_ist
from portal.database import commit
from portal.extensions import db
from tests.serving.helpers import delivered, signed_notice


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "proof.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


@pytest.fixture
def served(db_session, outbox):
    creditor, _adv, case, notice = signed_notice(mobile=None)
    case.creditor.address = "Plot 7, MIDC Bhosari, Pune 411026"
    case.debtor.place_of_business = "14 Residency Road, Bengaluru 560025"
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL, ChannelKind.POST})
    commit()
    return creditor, case, notice


def test_places_and_a_proven_time_of_receipt(served, tmp_path):
    _creditor, case, notice = served
    # The DSN: delivered into the debtor's mailbox at 11:00:05 IST on 2 Dec 2026.
    delivered(notice, datetime(2026, 12, 2, 5, 30, 5, tzinfo=UTC))
    words = text_of(proof.render(notice, 1), tmp_path)
    assert "Place of dispatch" in words and "Plot 7, MIDC Bhosari, Pune 411026" in words
    assert "Place of receipt 14 Residency Road, Bengaluru 560025" in words
    assert "Received on 02 Dec 2026 at 11:00:05 IST: delivery reported to the addressee's resource" in words
    # Part A is complete: signatory, designation, place and the system from the settings; no blanks.
    assert "I, Demonstration Signatory, Director (demonstration) of Sulah Technologies" in words
    assert "Place: Pune (demonstration)" in words and "Sulah development instance" in words
    assert "___" not in words


def test_no_receipt_is_said_plainly(served, tmp_path):
    _creditor, _case, notice = served
    words = text_of(proof.render(notice, 1), tmp_path)
    assert "No receipt is proven as of this version" in words and "Received on" not in words


def test_postal_events_carry_the_trackers_time_or_the_day_alone(served, tmp_path):
    creditor, _case, notice = served
    post = next(d for d in dispatching.dispatches_for(notice) if d.channel == ChannelKind.POST)
    postal.record_posting(creditor, post, "RK123456785IN", "registered_post", today_ist())
    postal.attach_returned_card(creditor, post, io.BytesIO(b"card"), "card.png", today_ist())
    words = text_of(proof.render(notice, 1), tmp_path)
    # Booking and card give a day only: no made-up time of day, and receipt says so.
    assert words.count("day only:") == 2  # the cell wraps: "day only: the record gives no time"
    assert f"Received on {today_ist():%d %b %Y}; the evidence gives the day and no time of day" in words
    assert "12:00:00" not in words


def test_a_certificate_with_a_part_a_setting_missing_is_not_sealed(served, app, monkeypatch):
    _creditor, _case, notice = served
    before = db.session.scalar(select(func.count(DeliveryProof.id)))
    monkeypatch.setitem(app.config, "PLATFORM_OPERATOR", {**app.config["PLATFORM_OPERATOR"], "signatory": "",
                                                         "system": ""})
    delivered(notice)
    with pytest.raises(CertificateIncomplete, match="PLATFORM_OPERATOR_SIGNATORY, PLATFORM_OPERATOR_SYSTEM"):
        proof.refresh(notice.id)
    assert db.session.scalar(select(func.count(DeliveryProof.id))) == before


def test_production_sets_no_demonstration_part_a(monkeypatch):
    from portal.config import Config

    monkeypatch.setenv("SULAH_ENV", "production")
    for key in ("ADDRESS", "SIGNATORY", "DESIGNATION", "PLACE", "SYSTEM"):
        monkeypatch.delenv(f"PLATFORM_OPERATOR_{key}", raising=False)
    operator = Config().PLATFORM_OPERATOR
    assert operator["signatory"] == operator["system"] == operator["place"] == ""
