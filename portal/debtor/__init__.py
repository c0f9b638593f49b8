"""The debtor's side: personal links to served notices (and, later, the debtor's own responses)."""
from flask import Flask


def init_debtor(app: Flask) -> None:
    from portal.debtor.views import bp

    app.register_blueprint(bp)
