"""TOTP two-factor authentication (RFC 6238 via pyotp) with one-time recovery codes."""
from __future__ import annotations

import hashlib
import io
import re
import secrets

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal import audit
from portal.accounts.models import RecoveryCode, User
from portal.extensions import db
from portal.types import utcnow

ISSUER = "Sulah"
RECOVERY_CODES = 10
_TOTP_RE = re.compile(r"^[0-9]{6}$")
_RECOVERY_RE = re.compile(r"^[0-9a-f]{10}$")


def _normalize_recovery(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _digest(code: str) -> str:
    return hashlib.sha256(_normalize_recovery(code).encode()).hexdigest()


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue().decode()


def start_setup(user: User) -> bool:
    """Give the user a secret to enrol (kept until setup succeeds). True if a new one was made."""
    if user.totp_enabled or user.totp_secret:
        return False
    user.totp_secret = pyotp.random_base32()
    return True


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as used, atomically: of two requests racing with one code, only one wins."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def check_totp(user: User, code: str) -> bool:
    """Accept a current code once: its time-step is remembered so the code cannot be replayed."""
    code = re.sub(r"\s", "", code or "")
    if not user.totp_secret or not _TOTP_RE.match(code):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(utcnow())
    for step in (now, now - 1, now + 1):  # one step of clock drift either way
        if secrets.compare_digest(totp.generate_otp(step), code):
            return _claim_step(user, step)
    return False


def confirm_setup(user: User, code: str) -> list[str] | None:
    """Enable 2FA if `code` matches; return fresh recovery codes (shown once), else None."""
    if user.totp_enabled or not check_totp(user, code):
        return None
    user.totp_enabled = True
    codes = new_recovery_codes(user)
    audit.record("user.totp_enabled", actor=user, payload={})
    return codes


def new_recovery_codes(user: User) -> list[str]:
    for old in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code; a conditional UPDATE makes it good exactly once."""
    if not _RECOVERY_RE.match(_normalize_recovery(code)):
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    audit.record("user.recovery_code_used", actor=user, payload={"remaining": remaining_codes(user)})
    return True


def remaining_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def verify_second_factor(user: User, code: str) -> bool:
    """A 6-digit TOTP code, or one of the recovery codes (with or without its dash)."""
    code = (code or "").strip()
    if _TOTP_RE.match(re.sub(r"\s", "", code)):
        return check_totp(user, code)
    return use_recovery_code(user, code)
