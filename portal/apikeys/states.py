"""An API key's lifecycle: active from its creation until its organisation's administrator revokes
it. `API_KEY` is the table `portal.lifecycle.fire` applies."""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class ApiKeyStatus(enum.StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


API_KEY = Machine(
    "api_key", ApiKeyStatus,
    initial=frozenset({ApiKeyStatus.ACTIVE}),
    transitions=(
        transition("revoked", ApiKeyStatus.ACTIVE, ApiKeyStatus.REVOKED, {Role.CREDITOR},
                   label=N_("Revoke the key")),
    ),
    noun=N_("the API key"),
)
