"""The people who use Sulah. Pure Python so the state tables can name them."""
import enum


class Role(enum.StrEnum):
    CREDITOR = "creditor"
    ADVOCATE = "advocate"
    DEBTOR = "debtor"
    NEUTRAL = "neutral"
    ADMIN = "admin"
    # Not a login role: Celery workers and scheduled jobs act as the system.
    SYSTEM = "system"


LOGIN_ROLES = (Role.CREDITOR, Role.ADVOCATE, Role.DEBTOR, Role.NEUTRAL, Role.ADMIN)

# Roles that may not reach any case before two-factor authentication is set up.
TOTP_REQUIRED_ROLES = frozenset({Role.ADVOCATE, Role.NEUTRAL, Role.ADMIN})
