"""Each organisation's follow-up levels: the seeded default, turning reminders on and off, editing
a level, and each debtor's settings."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from portal import audit
from portal.accounts import Role, User
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_
from portal.receivables.defaults import DEFAULT_LEVELS, PLACEHOLDERS
from portal.receivables.models import (
    Channel,
    DebtorSetting,
    Language,
    Mode,
    ReminderLevel,
    ReminderPolicy,
)
from portal.types import utcnow

_PLACEHOLDER = re.compile(r"\{(\w*)\}")


class PolicyInvalid(DomainError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def policy_for(org_id: int) -> ReminderPolicy:
    """The organisation's policy, seeded with the default levels the first time (off).

    Two first visits at once must not both insert it (org_id is unique: the loser would fail with a
    unique violation): the row is inserted with ON CONFLICT DO NOTHING, and only the request whose
    insert took adds the levels. The other waits for that transaction (PostgreSQL; SQLite has one
    writer at a time), inserts nothing and reads the committed policy with its levels."""
    policy = db.session.scalar(select(ReminderPolicy).where(ReminderPolicy.org_id == org_id))
    if policy is not None:
        return policy
    policy_id = db.session.scalar(
        _insert(ReminderPolicy).values(org_id=org_id, enabled=False, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["org_id"]).returning(ReminderPolicy.id))
    if policy_id is not None:
        db.session.execute(_insert(ReminderLevel), [dict(
            policy_id=policy_id, offset_days=d.offset_days, tone=d.tone, channels=d.channels,
            include_interest=d.include_interest, last_before_notice=d.last_before_notice,
            call_task=d.call_task, subject_en=d.subject_en, body_en=d.body_en,
            subject_hi=d.subject_hi, body_hi=d.body_hi) for d in DEFAULT_LEVELS])
    return db.session.scalars(select(ReminderPolicy).where(ReminderPolicy.org_id == org_id)
                              .execution_options(populate_existing=True)).one()


def _insert(model):
    """INSERT with the dialect's ON CONFLICT (PostgreSQL and SQLite both have it)."""
    return (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)


def set_enabled(actor, policy: ReminderPolicy, enabled: bool) -> None:
    if policy.enabled == enabled:
        return
    policy.enabled = enabled
    audit.record("receivables.policy_enabled" if enabled else "receivables.policy_disabled",
                 actor=actor, payload={"org_id": policy.org_id, "policy_id": policy.id})


def check_text(field: str, text: str) -> str:
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS:
            raise PolicyInvalid(field, f"“{{{name}}}” is not a placeholder this text may use; use "
                                       f"{', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}.")
    return text


def update_level(actor, level: ReminderLevel, *, offset_days: int, channels: list[str],
                 include_interest: bool, call_task: bool, subject_en: str, body_en: str,
                 subject_hi: str, body_hi: str, call_user: User | None = None) -> None:
    if not -30 <= offset_days <= 365:
        raise PolicyInvalid("offset_days", N_("A level is between 30 days before and 365 days after "
                                              "the due date."))
    clash = db.session.scalar(select(ReminderLevel.id).where(
        ReminderLevel.policy_id == level.policy_id, ReminderLevel.offset_days == offset_days,
        ReminderLevel.id != level.id))
    if clash:
        raise PolicyInvalid("offset_days", N_("Another level already falls on that day."))
    chosen = [Channel(c) for c in channels]
    if not chosen:
        raise PolicyInvalid("channels", N_("Choose at least one channel."))
    if Channel.WHATSAPP in chosen and Channel.EMAIL not in chosen:
        raise PolicyInvalid("channels", N_("WhatsApp goes only together with e-mail."))
    for field, text in (("subject_en", subject_en), ("body_en", body_en), ("subject_hi", subject_hi),
                        ("body_hi", body_hi)):
        check_text(field, text)
    if call_user is not None and (call_user.org_id != level.policy.org_id or call_user.role != Role.CREDITOR
                                  or not call_user.active):
        raise PolicyInvalid("call_user_id", N_("Choose a member of your organisation's staff."))
    if call_user is not None and not call_task:
        raise PolicyInvalid("call_user_id", N_("Tick the call first, or leave the caller empty."))
    before = {"offset_days": level.offset_days, "channels": level.channels,
              "call_user_id": level.call_user_id}
    level.offset_days, level.channels = offset_days, ",".join(c.value for c in chosen)
    level.include_interest, level.call_task = include_interest, call_task
    level.call_user_id = call_user.id if call_user is not None else None
    level.subject_en, level.body_en, level.subject_hi, level.body_hi = (
        subject_en, body_en, subject_hi, body_hi)
    audit.record("receivables.level_changed", actor=actor, payload={
        "level_id": level.id, "before": before,
        "after": {"offset_days": offset_days, "channels": level.channels,
                  "call_user_id": level.call_user_id}})


def setting_for(org_id: int, party_id: int) -> DebtorSetting:
    """The debtor's settings, created with the defaults on first use (idempotent, as policy_for)."""
    setting = db.session.scalar(select(DebtorSetting).where(
        DebtorSetting.org_id == org_id, DebtorSetting.party_id == party_id))
    if setting is not None:
        return setting
    db.session.execute(_insert(DebtorSetting).values(
        org_id=org_id, party_id=party_id, mode=Mode.AUTOMATIC, language=Language.ENGLISH)
        .on_conflict_do_nothing(index_elements=["org_id", "party_id"]))
    return db.session.scalars(select(DebtorSetting).where(
        DebtorSetting.org_id == org_id, DebtorSetting.party_id == party_id)).one()


def update_setting(actor, setting: DebtorSetting, *, mode: str, paused_until: date | None,
                   language: str, preferred_channel: str | None, today: date) -> None:
    if paused_until is not None and paused_until < today:
        raise PolicyInvalid("paused_until", N_("A pause ends today or later."))
    before = {"mode": setting.mode.value, "paused_until": setting.paused_until,
              "language": setting.language.value}
    setting.mode, setting.paused_until = Mode(mode), paused_until
    setting.language = Language(language)
    setting.preferred_channel = Channel(preferred_channel) if preferred_channel else None
    audit.record("receivables.debtor_settings_changed", actor=actor, payload={
        "party_id": setting.party_id, "before": before,
        "after": {"mode": setting.mode.value, "paused_until": paused_until,
                  "language": setting.language.value}})
