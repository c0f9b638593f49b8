"""Creating, revoking and checking API keys. A key acts for its organisation as the administrator
who created it, never as an advocate: signing and approving need the person and a second factor,
which no key can give (portal.accounts.policy keeps those for advocates)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal import audit, lifecycle
from portal.accounts import User
from portal.apikeys.models import ApiKey
from portal.apikeys.states import API_KEY, ApiKeyStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow

# What a key may do: read (GET), write (create and change cases), evidence (upload and download
# documents), notices (draft notices and read their status). Signing is never a scope.
SCOPES = {"read": "Read cases, figures and events", "write": "Create and change cases",
          "evidence": "Upload and download evidence", "notices": "Draft notices and read them"}
TOKEN_START = "sk_"  # noqa: S105  (the public marker every key begins with, not a secret)
PREFIX_LENGTH = len(TOKEN_START) + 12  # "sk_" and 6 random bytes in hex
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per key


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def create_key(actor: User, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """A new key for the actor's organisation; returns it with its secret, shown once."""
    name = name.strip()
    if not name:
        raise DomainError("Name the key after the system that will use it.")
    unknown = set(scopes) - set(SCOPES)
    if not scopes or unknown:
        raise DomainError("Choose at least one of the scopes offered.")
    prefix = f"{TOKEN_START}{secrets.token_hex(6)}"
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(org_id=actor.org_id, name=name, prefix=prefix, secret_sha256=_sha256(token),
                 scopes=" ".join(sorted(set(scopes))), created_by_id=actor.id)
    lifecycle.begin(API_KEY, key, ApiKeyStatus.ACTIVE, actor, action=None)
    db.session.flush()
    audit.record("api_key.created", actor=actor, payload={
        "api_key_id": key.id, "prefix": prefix, "name": name, "scopes": key.scopes})
    return key, token


def org_keys(org_id: int) -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).where(ApiKey.org_id == org_id)
                                   .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())))


def key_of_org(org_id: int, key_id: int) -> ApiKey | None:
    key = db.session.get(ApiKey, key_id)
    return key if key is not None and key.org_id == org_id else None


def revoke(actor: User, key: ApiKey, reason: str) -> None:
    reason = reason.strip()
    if len(reason) < 5:
        raise DomainError("Say why the key is revoked (a few words), for the audit trail.")
    lifecycle.fire(API_KEY, key, "revoked", actor, payload={"api_key_id": key.id,
                                                           "prefix": key.prefix, "reason": reason},
                   changes={"revoked_at": utcnow(), "revoke_reason": reason})


# A key with the user who made it and that user's organisation, which every keyed request then checks
# and acts as (portal.apikeys._load_key, the API's views): one statement, built once, where the lazy
# loads made three.
_KEY_BY_PREFIX = (select(ApiKey).where(ApiKey.prefix == bindparam("prefix"))
                  .options(joinedload(ApiKey.created_by).joinedload(User.organization)))


def keys_stopped(_actor: User, member: User) -> str | None:
    """What switching `member` off does to the organisation's keys: a key works only while the
    colleague who made it may sign in (authenticate), so the administrator is told which stop."""
    names = db.session.scalars(select(ApiKey.name).where(
        ApiKey.created_by_id == member.id, ApiKey.status == ApiKeyStatus.ACTIVE).order_by(ApiKey.id)).all()
    if not names:
        return None
    listed = ", ".join(f"“{name}”" for name in names)
    if len(names) == 1:
        return f"The API key they created ({listed}) stops working too: create a new one for your systems."
    return f"The API keys they created ({listed}) stop working too: create new ones for your systems."


def authenticate(token: str) -> ApiKey | None:
    """The active key this token belongs to, or None; compared in constant time."""
    if not token.startswith(TOKEN_START) or len(token) > 200:
        return None
    prefix, sep, secret = token[:PREFIX_LENGTH], token[PREFIX_LENGTH:PREFIX_LENGTH + 1], \
        token[PREFIX_LENGTH + 1:]
    if sep != "_" or not secret:
        return None
    key = db.session.scalar(_KEY_BY_PREFIX, {"prefix": prefix})
    if key is None or not secrets.compare_digest(key.secret_sha256, _sha256(token)):
        return None
    if key.status != ApiKeyStatus.ACTIVE or not key.created_by.is_active:
        return None
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        key.last_used_at = now
    return key
