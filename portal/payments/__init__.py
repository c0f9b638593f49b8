"""Payments towards a case: UPI (reported by the debtor, confirmed by the creditor), payment-gateway
links, receipts."""
from flask import Flask


def init_payments(app: Flask) -> None:
    from portal.payments import creditor_views, webhook_views  # noqa: F401  (routes on the same blueprint)
    from portal.payments.views import bp

    app.register_blueprint(bp)
