"""Legal notices: drafting and advocate review, signing and public verification, service with proof of
delivery, mandates and bulk notices, each in its own sub-package."""
from flask import Flask

from notices import permissions  # noqa: F401  (registers the package's actions with the policy)


def init_notices(app: Flask) -> None:
    from notices import bulk, drafting, mandates, serving, signing

    # The signing and mandate pages route on drafting's `notices` blueprint, and Flask refuses routes
    # added to a blueprint once it is registered: they attach theirs before drafting registers it.
    signing.init_app(app)
    mandates.init_app(app)
    drafting.init_app(app)
    bulk.init_app(app)
    serving.init_app(app)
    from notices.drafting.case_section import summaries
    from portal.cases.hooks import case_page_parts

    case_page_parts.provide("notice_summaries", summaries)
    from notices.mandates import granting
    from portal.accounts.hooks import team_page_parts

    # The Team page shows each engaged advocate's mandate and how the administrator accepts one.
    team_page_parts.provide("mandates", lambda _actor, org, advocates: {
        a.id: granting.current(org.id, a.id) for a in advocates})
    team_page_parts.provide("mandate_by_totp", lambda actor, _org, _advocates: granting.uses_totp(actor))
