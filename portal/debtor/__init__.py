"""The debtor's side: personal links with a one-time code, the debtor's view of its case, its
responses, and the debtor's own account."""
from flask import Flask


def init_debtor(app: Flask) -> None:
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
    from portal.accounts.hooks import load_link_session
    from portal.cases.hooks import case_page_parts
    from portal.debtor.access import load_guest

    load_link_session.provide(load_guest)
    from notices.serving.hooks import issue_debtor_link
    from portal.debtor import links

    issue_debtor_link.provide(links.issue)
    from portal.debtor.responses import responses_for

    case_page_parts.provide("answers", lambda _user, case: responses_for(case))
    case_page_parts.provide("debtor_links", links_part)
