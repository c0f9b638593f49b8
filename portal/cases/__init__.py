"""Claims: parties, cases, invoices, payments, the state machine and the case pages."""
from flask import Flask


def init_cases(app: Flask) -> None:
    from portal.cases.views import bp

    app.register_blueprint(bp)
