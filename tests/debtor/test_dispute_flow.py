"""End to end on a really served notice: the debtor opens its personal link, passes the one-time
code, disputes one invoice with a counter-document, and lands in the ODR room, where the creditor
finds the dispute and the document."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from evidence.models import Document, Side
from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind
from portal.cases.states import CaseStatus
from portal.database import commit
from portal.extensions import db
from tests.debtor.claims import post_form, responses
from tests.debtor.guest import login_guest
from tests.serving.helpers import signed_notice

LINK = re.compile(r"/n/([A-Za-z0-9_-]{20,})")


def test_served_link_otp_dispute_with_a_counter_document(client, auth, db_session, outbox):
    creditor, _advocate, case, notice = signed_notice()
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()
    mail = next(m for m in outbox() if "debtor@example.in" in m["To"])
    token = LINK.search(mail.get_body(("plain",)).get_content()).group(1)
    login_guest(client, case, outbox, token=token)
    page = client.get(f"/d/{case.reference}").get_data(as_text=True)
    assert "Is it genuine?" in page and "Period to pay ends" in page
    resp = post_form(client, f"/d/{case.reference}/dispute", {
        "reason": "already_paid", "explanation": "Paid by NEFT on 2 March 2026, UTR HDFC0000123456789.",
        "invoices": [str(case.invoices[0].id)], "file_kind": "ledger",
        "files": [(io.BytesIO(b"Bank statement line: 02-03-2026 NEFT HDFC0000123456789 118000.00\n"),
                   "bank-statement.txt")]}, content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.refresh(case)
    assert case.status == CaseStatus.IN_NEGOTIATION and len(responses(case)) == 1
    doc = db.session.scalar(select(Document).where(Document.case_id == case.id, Document.side == Side.DEBTOR))
    assert doc.filename == "bank-statement.txt" and doc.uploaded_by_id is None
    if "odr.room" in client.application.view_functions:
        assert client.get(resp.headers["Location"]).status_code == 200  # the debtor is in the room
    # The creditor is told, and sees the debtor's document with its own evidence.
    assert any(creditor.email in m["To"] and "already paid" in m.get_body(("plain",)).get_content().lower()
               for m in outbox())
    auth.login_as(creditor)
    assert "bank-statement.txt" in client.get(f"/cases/{case.reference}/evidence").get_data(as_text=True)
