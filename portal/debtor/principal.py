"""The debtor who came in through a personal link and passed the one-time code.

Not a User row: the link is its authority and opens exactly one case. Flask-Login keeps it in
the session as "link:<link id>:<otp id>"; the loader re-checks the link is still live on every
request, so revoking or expiring the link ends the session. Audit events it writes carry no user
id, role "debtor", and the link in their payload.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.accounts import Role

SESSION_PREFIX = "link:"


@dataclass(frozen=True)
class LinkGuest:
    link_id: int
    link_case_id: int
    otp_id: int
    destination: str  # the address the code went to, masked: "r•••@example.in"
    debtor_name: str = ""  # the case's debtor as the claim names it: what the page header shows

    role = Role.DEBTOR
    id = None  # no user row: audit events record actor_id NULL, actor_role "debtor"
    is_authenticated = True
    is_active = True
    is_anonymous = False
    needs_totp_setup = False
    totp_enabled = False
    org_id = None
    name = "The debtor (through the personal link)"
    email = ""

    @property
    def display_name(self) -> str:
        return self.debtor_name or "You"

    def get_id(self) -> str:
        return f"{SESSION_PREFIX}{self.link_id}:{self.otp_id}"


def parse_session_id(session_id: str) -> tuple[int, int] | None:
    """(link id, otp id) from a LinkGuest session id, or None if it is not one."""
    if not session_id.startswith(SESSION_PREFIX):
        return None
    link_id, _, otp_id = session_id.removeprefix(SESSION_PREFIX).partition(":")
    if not (link_id.isdigit() and otp_id.isdigit()):
        return None
    return int(link_id), int(otp_id)
