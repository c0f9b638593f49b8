"""Issuing and resolving the debtor's personal links. The token travels only inside the message;
the database keeps its SHA-256, so a leaked database opens no case.

A dispatch has one link: its token is derived from the app's secret and the dispatch, so a resend
of the same dispatch (a lost sent-marker) carries the same link instead of a second live one."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal import audit
from portal.debtor.models import DebtorLink
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow

TOKEN_BYTES = 24  # 192 bits, 32 URL-safe characters


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _dispatch_token(dispatch_id: int) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"debtor-link|dispatch|{dispatch_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode().rstrip("=")


def issue(case_id: int, notice_id: int | None, dispatch_id: int | None, *,
          document_id: int | None = None) -> tuple[DebtorLink, str]:
    """The link and its token (never stored): a new one, or for a dispatch the one it was given
    the first time it was sent. It goes with a notice, or with a served document (`document_id`)."""
    if dispatch_id is not None:
        token = _dispatch_token(dispatch_id)
        existing = db.session.scalar(select(DebtorLink).where(DebtorLink.token_sha256 == token_hash(token)))
        if existing is not None:
            return existing, token
    else:
        token = secrets.token_urlsafe(TOKEN_BYTES)
    link = DebtorLink(token_sha256=token_hash(token), case_id=case_id, notice_id=notice_id,
                      document_id=document_id, dispatch_id=dispatch_id,
                      expires_at=utcnow() + timedelta(days=current_app.config["DEBTOR_LINK_DAYS"]))
    db.session.add(link)
    db.session.flush()
    return link, token


def issue_for_dispatches(wanted: list[tuple[int, int | None, int, int | None]]) -> list[str]:
    """`issue` for many dispatches at once ((case_id, notice_id, dispatch_id, document_id) each): the
    token of each, its link made if it has none yet, with one read and one write for all of them."""
    tokens = [_dispatch_token(dispatch_id) for _, _, dispatch_id, _ in wanted]
    hashes = [token_hash(token) for token in tokens]
    stored = set(db.session.scalars(select(DebtorLink.token_sha256).where(
        DebtorLink.token_sha256.in_(sorted(set(hashes))))))
    expires = utcnow() + timedelta(days=current_app.config["DEBTOR_LINK_DAYS"])
    for (case_id, notice_id, dispatch_id, document_id), sha in zip(wanted, hashes, strict=True):
        if sha in stored:
            continue
        stored.add(sha)
        db.session.add(DebtorLink(token_sha256=sha, case_id=case_id, notice_id=notice_id,
                                  document_id=document_id, dispatch_id=dispatch_id, expires_at=expires))
    db.session.flush()
    return tokens


def resolve(token: str) -> DebtorLink | None:
    """The live link for this token, or None when unknown, expired or revoked."""
    if not token or len(token) > 64:
        return None
    link = db.session.scalar(select(DebtorLink).where(DebtorLink.token_sha256 == token_hash(token)))
    return link if link is not None and is_live(link) else None


def is_live(link: DebtorLink) -> bool:
    return link.revoked_at is None and link.expires_at > utcnow()


def revoke_for_notice(notice_id: int) -> int:
    links = db.session.scalars(select(DebtorLink).where(DebtorLink.notice_id == notice_id,
                                                        DebtorLink.revoked_at.is_(None))).all()
    for link in links:
        link.revoked_at = utcnow()
    return len(links)


def of_case(case_id: int) -> list[DebtorLink]:
    """The case's personal links, newest first (for the creditor's side of the case page)."""
    return list(db.session.scalars(select(DebtorLink).where(DebtorLink.case_id == case_id)
                                   .order_by(DebtorLink.created_at.desc(), DebtorLink.id.desc())))


def chosen_language(case_id: int) -> str | None:
    """The language ("en" or "hi") the debtor chose with the switch on its pages, as remembered on the
    newest of the case's personal links that remembers one; None when it never chose."""
    return db.session.scalar(select(DebtorLink.language).where(
        DebtorLink.case_id == case_id, DebtorLink.language.in_(("en", "hi")))
        .order_by(DebtorLink.created_at.desc(), DebtorLink.id.desc()).limit(1))


def revoke(actor, link: DebtorLink, reason: str) -> None:
    """End one link at once (sent to a wrong address, say): its token opens nothing any more and a
    session opened with it ends at its next request. The reason is kept in the audit trail."""
    db.session.refresh(link, with_for_update={"key_share": True})  # two revocations: one wins
    if link.revoked_at is not None:
        raise DomainError("This link was already revoked.")
    if not is_live(link):
        raise DomainError("This link has expired already: it opens nothing.")
    link.revoked_at = utcnow()
    audit.record("debtor_link.revoked", actor=actor, case=link.case, payload={
        "link_id": link.id, "notice_id": link.notice_id, "dispatch_id": link.dispatch_id,
        "reason": reason})
