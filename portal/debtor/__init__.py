"""The debtor's side: personal links with a one-time code, the debtor's view of its case, its
responses, and the debtor's own account."""
from flask import Flask

from portal.debtor import permissions  # noqa: F401  (registers the package's actions with the policy)
from portal.debtor.links import TOKEN_BYTES, chosen_language, token_hash
from portal.debtor.models import DebtorResponse

__all__ = ["DebtorResponse", "TOKEN_BYTES", "chosen_language", "init_debtor", "token_hash"]


def init_debtor(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.debtor.account_views import bp as account_bp
    from portal.debtor.case_views import bp as case_bp
    from portal.debtor.language import install
    from portal.debtor.link_views import bp as links_bp
    from portal.debtor.link_views import case_part as links_part
    from portal.debtor.response_views import bp as respond_bp
    from portal.debtor.views import bp

    for debtor_pages in (bp, account_bp, case_bp, respond_bp):   # the debtor's own pages speak Hindi too
        install(debtor_pages)
    app.register_blueprint(bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(case_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(links_bp)
    from portal.accounts import load_link_session
    from portal.cases import case_page_parts
    from portal.debtor import access

    load_link_session.provide(access.load_guest)
    from notices import issue_debtor_link, issue_debtor_links
    from portal.debtor import links

    issue_debtor_link.provide(links.issue)
    issue_debtor_links.provide(links.issue_for_dispatches)
    from arbitration import link_destinations

    link_destinations.provide(access.destinations_for_link)
    from portal.debtor.responses import responses_for

    case_page_parts.provide("answers", lambda _user, case: responses_for(case))
    case_page_parts.provide("debtor_links", links_part)
