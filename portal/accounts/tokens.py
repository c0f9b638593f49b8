"""Signed, expiring, single-use tokens for password reset and random tokens stored as hashes."""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_RESET_SALT = "sulah-password-reset"


def random_token() -> tuple[str, str]:
    """A URL-safe token and the SHA-256 to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, sha256_hex(token)


def sha256_hex(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _fingerprint(password_hash: str) -> str:
    # Changing the password changes the fingerprint, so a used token can never work again.
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def make_reset_token(user) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user.password_hash)})


def read_reset_token(token: str, load_user) -> object | None:
    """Return the user the token is for, or None if it is forged, expired or already used."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = load_user(data["uid"])
    if user is None or not secrets.compare_digest(_fingerprint(user.password_hash), str(data.get("fp"))):
        return None
    return user
