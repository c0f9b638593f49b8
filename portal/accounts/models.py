"""Organisations, users and their professional profiles."""
from __future__ import annotations

import enum
import hashlib
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.roles import TOTP_REQUIRED_ROLES, Role
from portal.extensions import db
from portal.types import EncryptedBytes, EncryptedText, UTCDateTime, utcnow


class EnterpriseCategory(enum.StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


def enum_column(enum_cls: type[enum.Enum], **kw):
    """Enums stored by value as VARCHAR + CHECK, identical on SQLite and PostgreSQL."""
    return mapped_column(
        Enum(enum_cls, native_enum=False, create_constraint=True, length=32,
             values_callable=lambda e: [m.value for m in e], validate_strings=True),
        **kw,
    )


class Organization(db.Model):
    """A creditor business (usually an MSME) that files claims."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    gstin: Mapped[str | None] = mapped_column(String(15), unique=True)
    pan: Mapped[str | None] = mapped_column(String(10))
    udyam_number: Mapped[str | None] = mapped_column(String(19))
    udyam_registered_on: Mapped[date | None] = mapped_column(Date)
    enterprise_category: Mapped[EnterpriseCategory | None] = enum_column(EnterpriseCategory, nullable=True)
    address: Mapped[str] = mapped_column(Text, default="")
    upi_vpa: Mapped[str | None] = mapped_column(String(100))
    # Conduct rules (DOMAIN 24): contact the debtor only in this IST window, at most this often.
    contact_from_minute: Mapped[int] = mapped_column(Integer, default=8 * 60, server_default="480")
    contact_until_minute: Mapped[int] = mapped_column(Integer, default=19 * 60, server_default="1140")
    daily_contact_cap: Mapped[int] = mapped_column(Integer, default=4, server_default="4")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organization")

    @property
    def msmed_eligible(self) -> bool:
        """Only Udyam-registered micro and small enterprises get the MSMED Act path."""
        return bool(self.udyam_number) and self.enterprise_category in (
            EnterpriseCategory.MICRO, EnterpriseCategory.SMALL)


class AccountStatus(enum.StrEnum):
    """An account in use, or switched off (portal.accounts.states.ACCOUNT)."""

    ACTIVE = "active"
    SWITCHED_OFF = "switched_off"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    is_org_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Last accepted TOTP time-step: a code is good once, never replayed.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the account was last switched off or on (lifecycle.fire writes it): sessions bind to it.
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language this person's pages speak ("en", "hi"), chosen with the switch in the page header
    # (portal.accounts.language); None until they choose, when pages follow the browser's session.
    language: Mapped[str | None] = mapped_column(String(2))

    organization: Mapped[Organization | None] = relationship(back_populates="members")
    advocate_profile: Mapped[AdvocateProfile | None] = relationship(back_populates="user")
    neutral_profile: Mapped[NeutralProfile | None] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def account_status(self) -> AccountStatus:
        """The `active` flag as the account's status (portal.accounts.states.ACCOUNT)."""
        return AccountStatus.ACTIVE if self.active else AccountStatus.SWITCHED_OFF

    @account_status.setter
    def account_status(self, status: AccountStatus) -> None:  # only lifecycle.fire(ACCOUNT, ...) sets it
        self.active = status == AccountStatus.ACTIVE

    def get_id(self) -> str:
        """The session's user id, bound to the current password so a reset ends old sessions, and to
        the account's last switch off or on, so a session from before a switch off never comes back."""
        changed = self.status_changed_at
        bound = self.password_hash + (f"|{changed.isoformat()}" if changed else "")
        fingerprint = hashlib.sha256(bound.encode()).hexdigest()[:16]
        return f"{self.id}:{fingerprint}"

    @property
    def needs_totp_setup(self) -> bool:
        return self.role in TOTP_REQUIRED_ROLES and not self.totp_enabled

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class AdvocateProfile(db.Model):
    __tablename__ = "advocate_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    enrolment_number: Mapped[str] = mapped_column(String(40))
    bar_council_state: Mapped[str] = mapped_column(String(60))
    office_address: Mapped[str] = mapped_column(Text, default="")
    # The advocate's DSC as PKCS#12 and its passphrase, both encrypted at rest.
    signing_pkcs12: Mapped[bytes | None] = mapped_column(EncryptedBytes)
    signing_passphrase: Mapped[str | None] = mapped_column(EncryptedText)
    # Or the DSC on a PKCS#11 token / HSM attached to the signing server (PKCS11_MODULE): only the
    # labels are kept; the PIN is typed at each signature. Token labels are at most 32 bytes (PKCS#11).
    signing_token_label: Mapped[str | None] = mapped_column(String(32))
    signing_key_label: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[User] = relationship(back_populates="advocate_profile")


class NeutralProfile(db.Model):
    __tablename__ = "neutral_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    expertise: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(200), default="English")
    is_arbitrator: Mapped[bool] = mapped_column(Boolean, default=True)
    is_mediator: Mapped[bool] = mapped_column(Boolean, default=True)

    user: Mapped[User] = relationship(back_populates="neutral_profile")


class Engagement(db.Model):
    """An advocate engaged as independent counsel by a creditor organisation (its advocate pool)."""

    __tablename__ = "engagements"
    __table_args__ = (UniqueConstraint("org_id", "advocate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    advocate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    advocate: Mapped[User] = relationship()


class Invitation(db.Model):
    """A single-use, expiring invitation; only the SHA-256 of its token is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = enum_column(Role)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()


class RecoveryCode(db.Model):
    """A one-time two-factor recovery code, stored as its SHA-256."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
