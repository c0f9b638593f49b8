"""The debtor coming in through its personal link, for tests: a link for a case (with a signed
notice record if the case has none), the one-time code read from the mail sink, the session."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from notices.models import Notice, NoticeKind
from notices.states import NoticeStatus
from portal.database import commit
from portal.debtor import links
from portal.extensions import db
from portal.types import utcnow
from tests.conftest import csrf_from

CODE = re.compile(r"(?:code to .+? is|सुलह कोड) (\d{6})")


def signed_notice_record(case) -> Notice:
    """The case's signed notice, or a bare signed-notice row for cases built straight into a status."""
    notice = db.session.scalar(select(Notice).where(Notice.case_id == case.id,
                                                    Notice.status == NoticeStatus.SIGNED))
    if notice is None:
        notice = Notice(case_id=case.id, kind=NoticeKind.COMMERCIAL_DEMAND, status=NoticeStatus.SIGNED,
                        facts_version=1, verification_code=secrets.token_hex(5).upper(),
                        created_by_id=case.created_by_id, signed_at=utcnow(), signed_pdf_sha256="0" * 64)
        db.session.add(notice)
        db.session.flush()
    return notice


def link_for(case) -> str:
    """A fresh personal link to the case's notice; returns the token."""
    _link, token = links.issue(case.id, signed_notice_record(case).id, None)
    commit()
    return token


def code_from(messages, address: str) -> str:
    mail = [m for m in messages if address in m["To"]][-1]
    return CODE.search(mail.get_body(("plain",)).get_content()).group(1)


def login_guest(client, case, outbox, *, token: str | None = None, address: str | None = None):
    """Open the link as the debtor would: ask for the code, read it from the sink, enter it.
    Returns the token. `outbox` is the test's `outbox` fixture."""
    token = token or link_for(case)
    page = client.get(f"/n/{token}")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    sent = client.post(f"/n/{token}/code", data={"csrf_token": csrf_from(page), "destination": "0"})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
    address = address or next(c.value for c in case.debtor.contacts if "@" in c.value)
    code = code_from(outbox(), address)
    page = client.get(f"/n/{token}")
    done = client.post(f"/n/{token}/verify", data={"csrf_token": csrf_from(page), "code": code})
    assert done.status_code == 302 and f"/d/{case.reference}" in done.headers["Location"], done.status_code
    return token
