"""The debtor's personal link in a reminder, under the notice link's rules: a random token that
travels only in the message, its SHA-256 in the database (portal.debtor.links.token_hash), a
lifetime of DEBTOR_LINK_DAYS, and a one-time code to one of the debtor's own addresses before
anything is shown."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.debtor import TOKEN_BYTES, token_hash
from portal.extensions import db
from portal.receivables.models import ReminderLink
from portal.types import utcnow


def issue(org_id: int, party_id: int) -> tuple[ReminderLink, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ReminderLink(token_sha256=token_hash(token), org_id=org_id, party_id=party_id,
                        expires_at=utcnow() + timedelta(days=current_app.config["DEBTOR_LINK_DAYS"]))
    db.session.add(link)
    db.session.flush()
    return link, token


def is_live(link: ReminderLink) -> bool:
    return link.revoked_at is None and link.expires_at > utcnow()


def resolve(token: str) -> ReminderLink | None:
    if not token or len(token) > 64:
        return None
    link = db.session.scalar(select(ReminderLink).where(ReminderLink.token_sha256 == token_hash(token)))
    return link if link is not None and is_live(link) else None
