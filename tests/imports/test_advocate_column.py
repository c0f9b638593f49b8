"""The import's optional advocate_email column: an engaged advocate is assigned to the debtor's case
(one e-mail per advocate); an unknown or unengaged address, or two advocates for one debtor, is a
row error like the others."""
from __future__ import annotations

import html

from sqlalchemy import select

from portal.cases.models import Case
from portal.imports.parsing import COLUMNS
from tests.factories import AdvocateFactory, EngagementFactory
from tests.imports.test_bulk_import import GOOD, confirm, csv_bytes, upload


def with_advocate(row: list[str], email: str) -> list[str]:
    return row + [""] * (len(COLUMNS) - 1 - len(row)) + [email]


def test_advocate_email_assigns_the_case(client, creditor, db_session, outbox):  # noqa: F811
    advocate = AdvocateFactory(name="Adv. Nandini Rao", email="nandini@rao-chambers.example")
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    rows = [with_advocate(GOOD[0], "Nandini@Rao-Chambers.example"), with_advocate(GOOD[1], ""),
            with_advocate(GOOD[2], "nandini@rao-chambers.example")]
    preview = upload(client, csv_bytes(rows))
    assert preview.status_code == 200
    assert "Adv. Nandini Rao" in preview.get_data(as_text=True)
    assert confirm(client, preview).status_code == 302
    cases = db_session.scalars(select(Case).where(Case.creditor_org_id == creditor.org_id)).all()
    assert len(cases) == 2 and {c.advocate_id for c in cases} == {advocate.id}
    [mail] = outbox()
    assert mail["To"] == advocate.email and mail["Subject"] == "2 steps on Sulah wait for you"


def test_unknown_unengaged_or_conflicting_advocates_are_row_errors(client, creditor, db_session):  # noqa: F811
    ours = AdvocateFactory(email="ours@chambers.example")
    EngagementFactory(org_id=creditor.org_id, advocate_id=ours.id)
    AdvocateFactory(email="theirs@law.example")  # has an account, not engaged here
    second = AdvocateFactory(email="second@chambers.example")
    EngagementFactory(org_id=creditor.org_id, advocate_id=second.id)
    rows = [with_advocate(GOOD[0], "ours@chambers.example"),
            with_advocate(GOOD[1], "second@chambers.example"),   # same debtor, another advocate
            with_advocate(GOOD[2], "theirs@law.example")]         # not engaged by this organisation
    rows.append(with_advocate(["Third Co", "", "", "t@third.example", "", "", "T-1", "2026-02-01", "", "", "",
                               "1000", "0", "", "", ""], "nobody@nowhere.example"))
    preview = upload(client, csv_bytes(rows))
    body = html.unescape(preview.get_data(as_text=True))
    assert "1 cases" in body  # only Shree Garments, with its first invoice
    assert "this row names second@chambers.example, an earlier row ours@chambers.example" in body
    assert body.count("is not the e-mail address of an advocate your organisation has engaged") == 2
    assert confirm(client, preview).status_code == 302
    [case] = db_session.scalars(select(Case).where(Case.creditor_org_id == creditor.org_id)).all()
    assert case.advocate_id == ours.id and [i.number for i in case.invoices] == ["A-1"]
