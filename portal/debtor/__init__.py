"""The debtor's side: personal links with a one-time code, the debtor's view of its case, its responses."""
from flask import Flask


def init_debtor(app: Flask) -> None:
    from portal.debtor.case_views import bp as case_bp
    from portal.debtor.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(case_bp)
