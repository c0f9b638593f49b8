"""The debtor's side: personal links with a one-time code, the debtor's view of its case, its
responses, and the debtor's own account."""
from flask import Flask


def init_debtor(app: Flask) -> None:
    from portal.debtor.account_views import bp as account_bp
    from portal.debtor.case_views import bp as case_bp
    from portal.debtor.response_views import bp as respond_bp
    from portal.debtor.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(case_bp)
    app.register_blueprint(respond_bp)
