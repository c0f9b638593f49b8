"""API keys: only an organisation's administrator lists, creates and revokes its own keys; another
organisation's administrator does not learn that a key exists (404)."""
from __future__ import annotations

from portal.apikeys import services
from tests.matrix.common import NOBODY, ORG_ADMINS, OTHER_ORG, Probe, allow


def revoke_url(w) -> str:
    key, _secret = services.create_key(w.creditor_admin, "Loan book", ["read"])
    return f"/account/api-keys/{key.id}/revoke"


ROUTES = {
    ("apikeys.index", "GET"): Probe(lambda w: "/account/api-keys", allow(ORG_ADMINS, 200),
                                    hidden_from=NOBODY),
    ("apikeys.create", "POST"): Probe(lambda w: "/account/api-keys", allow(ORG_ADMINS, 201),
                                      hidden_from=NOBODY,
                                      form=lambda w: {"name": "Tally connector", "scopes": ["read"]}),
    ("apikeys.revoke", "POST"): Probe(revoke_url, allow({"creditor_admin"}, 302),
                                      hidden_from=OTHER_ORG,
                                      form=lambda w: {"reason": "The connector is retired."}),
}
