"""Building blocks for the ODR room's tests: a world of parties with a case in a given status, and
posting through the real form (CSRF token from the page)."""
from __future__ import annotations

import io

from portal.cases.states import CaseStatus
from tests.accounts.parties import Parties
from tests.conftest import csrf_for


def room_case(status: CaseStatus = CaseStatus.IN_NEGOTIATION, *, neutral: bool = True):
    """Parties and their case in `status`; without `neutral`, no neutral is named on it yet."""
    world = Parties()
    case = world.new_case(status)
    if not neutral:
        case.neutral_id = None
    return world, case


def post_message(client, case, body: str, *, reply_to=None, file: tuple[bytes, str] | None = None,
                 caucus: str | None = None):
    data = {"csrf_token": csrf_for(client), "body": body}
    if reply_to is not None:
        data["reply_to"] = str(reply_to)
    if file is not None:
        data["attachment"] = (io.BytesIO(file[0]), file[1])
    if caucus is not None:
        data["side"] = caucus
    path = f"/odr/{case.reference}/caucus/messages" if caucus is not None else f"/odr/{case.reference}/messages"
    return client.post(path, data=data, content_type="multipart/form-data")
