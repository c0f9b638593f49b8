"""What accounts asks of the packages above it, through hooks they provide at start-up (see
portal.hooks): loading a session that is not a user's (the debtor's personal link), and the Team
page's sections about engaged advocates (their mandates)."""
from __future__ import annotations

from portal.hooks import Hook, Parts

# (session id "link:…") -> the debtor's guest principal, or None.
load_link_session: Hook = Hook("accounts.load_link_session", provided_by="portal.debtor")

# (actor, the colleague switched off) -> a sentence for the administrator, or None: what a package
# above hands back or stops when a colleague leaves (collections: the debtors they followed and the
# calls levels named them for; API keys: the keys they made stop).
account_switched_off: Parts = Parts("accounts.account_switched_off")

# Template variables for the Team page: (actor, organisation, engaged advocates) -> value.
team_page_parts: Parts = Parts("accounts.team_page_parts")
