"""A user account's lifecycle: in use until its organisation's administrator (or a platform
administrator) switches it off, for a colleague who has left; switched on again the same way.
The account row keeps its `active` flag (signing in, sessions, reset links and every staff list read
it); `User.account_status` is that flag as a status, which only `ACCOUNT` through
`portal.lifecycle.fire` writes."""
from __future__ import annotations

from portal.accounts.models import AccountStatus
from portal.accounts.roles import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition

# The organisation's administrator for its staff (portal.accounts.policy's MANAGE_ORG says which
# creditor), a platform administrator for anyone.
ADMINISTRATORS = frozenset({Role.CREDITOR, Role.ADMIN})


def _creditor_staff(member) -> str | None:
    """Only creditor staff are switched off and on here: an advocate, a neutral or a debtor has no
    organisation whose administrator could (a platform matter)."""
    if member.role == Role.CREDITOR:
        return None
    return "Only your own colleagues' access is switched off and on here."

ACCOUNT = Machine(
    "account", AccountStatus,
    initial=frozenset({AccountStatus.ACTIVE}),
    transitions=(
        transition("switched_off", AccountStatus.ACTIVE, AccountStatus.SWITCHED_OFF, ADMINISTRATORS,
                   guards=(_creditor_staff,), label=N_("Switch off the account"), manual=True),
        transition("switched_on", AccountStatus.SWITCHED_OFF, AccountStatus.ACTIVE, ADMINISTRATORS,
                   guards=(_creditor_staff,), label=N_("Switch the account on again"), manual=True),
    ),
    attr="account_status",
    noun=N_("the account"),
)
