"""A case in the ODR room for the offers and bidding tests: every party logged in on its own client
(the debtor through its personal link, so it has no user id), and small request helpers."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from portal.cases import today_ist
from portal.cases.models import Invoice
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.accounts.parties import Parties
from tests.conftest import csrf_for
from tests.debtor.guest import login_guest

CLAIM = Decimal("200000.00")


class Room(Parties):
    """The creditor's case in negotiation (or conciliation), claiming ₹2,00,000."""

    def __init__(self, app, status: CaseStatus = CaseStatus.IN_NEGOTIATION) -> None:
        super().__init__()
        self.app = app
        self.case = self.new_case(status)
        self.case.invoices = [Invoice(number="INV-77", invoice_date=date(2026, 1, 10), due_date=date(2026, 2, 24),
                                      taxable_value=Decimal("169491.53"), gst_amount=Decimal("30508.47"),
                                      total=CLAIM)]
        db.session.flush()
        self.clients: dict[str, object] = {}

    @property
    def ref(self) -> str:
        return self.case.reference

    def client(self, who: str, outbox=None):
        """A client signed in as `who`; "guest" is the debtor through its personal link."""
        if who not in self.clients:
            from tests.conftest import CommittingClient

            # Each request in its own app context, as in production (and as the `client` fixture
            # sets up): in the test's shared context Flask-Babel would keep the first request's locale.
            self.app.test_client_class = CommittingClient
            client = self.app.test_client()
            if who == "guest":
                login_guest(client, self.case, outbox)
            else:
                from tests.conftest import Auth

                Auth(client).login_as(getattr(self, who))
            self.clients[who] = client
        return self.clients[who]

    def post(self, who: str, path: str, data: dict | None = None, outbox=None):
        client = self.client(who, outbox)
        return client.post(f"/odr/{self.ref}{path}", data={"csrf_token": csrf_for(client), **(data or {})})


def soon(days: int = 8) -> str:
    """A date `days` after India's today, as a form takes it: a fixed date would fall in the past."""
    return (today_ist() + timedelta(days=days)).isoformat()


def offer_form(total: str, *, pay_by: str | None = None, **more) -> dict:
    return {"kind": "lump_sum", "total": total, "pay_by": soon() if pay_by is None else pay_by, **more}


def flashes(response) -> str:
    return " ".join(re.findall(r'class="flash[^"]*"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S))
