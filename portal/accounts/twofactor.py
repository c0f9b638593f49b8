"""TOTP two-factor authentication (RFC 6238 via pyotp) with one-time recovery codes."""
from __future__ import annotations

import hashlib
import io
import secrets

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import select

from portal.accounts.models import RecoveryCode, User
from portal.extensions import db
from portal.types import utcnow

ISSUER = "Sulah"
RECOVERY_CODES = 10


def _digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue().decode()


def start_setup(user: User) -> None:
    if not user.totp_enabled and not user.totp_secret:
        user.totp_secret = pyotp.random_base32()


def check_totp(user: User, code: str) -> bool:
    """Accept a current code once: the time-step is remembered so the code cannot be replayed."""
    code = (code or "").replace(" ", "")
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = utcnow()
    for drift in (0, -1, 1):
        step = totp.timecode(now) + drift
        if secrets.compare_digest(totp.generate_otp(step), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def confirm_setup(user: User, code: str) -> list[str] | None:
    """Enable 2FA if `code` matches; return fresh recovery codes (shown once), else None."""
    if not check_totp(user, code):
        return None
    user.totp_enabled = True
    return new_recovery_codes(user)


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
    rc = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(code or ""),
        RecoveryCode.used_at.is_(None)))
    if rc is None:
        return False
    rc.used_at = utcnow()
    return True


def verify_second_factor(user: User, code: str) -> bool:
    code = (code or "").strip()
    return check_totp(user, code) or ("-" in code and use_recovery_code(user, code))
