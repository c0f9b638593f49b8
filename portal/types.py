"""Column types shared by every package: UTC timestamps, money, encrypted secrets."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, Numeric, String, Text
from sqlalchemy.types import TypeDecorator

PAISA = Decimal("0.01")
IST = ZoneInfo("Asia/Kolkata")


_clock: Callable[[], datetime] | None = None


def utcnow() -> datetime:
    """Now, in UTC: the wall clock, or the clock `set_clock` installed. Every package reads the time
    through here (and `portal.cases.today_ist` through this), so one call moves them all."""
    return _clock() if _clock is not None else datetime.now(UTC)


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Let `clock` tell the time to the whole process (None: the wall clock again). For a story told
    over days in one run (a browser journey that lets a reminder fall due); it must give aware UTC."""
    global _clock
    _clock = clock


def to_ist(value: datetime) -> datetime:
    return value.astimezone(IST)


def to_paisa(amount: Decimal | int | str) -> Decimal:
    """Round a rupee amount to the paisa, half away from zero, as Indian accounts do."""
    return Decimal(amount).quantize(PAISA, rounding=ROUND_HALF_UP)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset, so we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator):
    """Rupees as Decimal with two places; floats are refused so no binary rounding sneaks in."""

    impl = Numeric(14, 2, asdecimal=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be Decimal, not float")
        return to_paisa(value)

    def process_result_value(self, value, dialect):
        return None if value is None else to_paisa(value)


class EncryptedBytes(TypeDecorator):
    """Binary secrets (a DSC's PKCS#12) stored encrypted with the app's data key."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        import base64

        from portal.crypto import encrypt

        return encrypt(base64.b64encode(value).decode())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        import base64

        from portal.crypto import decrypt

        return base64.b64decode(decrypt(value))


class EncryptedText(TypeDecorator):
    """A secret stored encrypted with the app's data key (Fernet: AES-128-CBC + HMAC)."""

    impl = String(512)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        from portal.crypto import encrypt

        return encrypt(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        from portal.crypto import decrypt

        return decrypt(value)
