"""Claims: parties, cases, invoices, payments, the state machine, intake and the case pages."""
from flask import Flask


def init_cases(app: Flask) -> None:
    from portal.cases import (  # noqa: F401  (routes attach to the blueprints)
        api,
        assignment_views,
        intake_views,
        records_views,
        totals,  # keeps each case's stored sums on every flush
    )
    from portal.cases.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
