"""Payments towards a case: UPI (reported by the debtor, confirmed by the creditor), payment-gateway
links, receipts."""
from flask import Flask

from portal.payments import permissions  # noqa: F401  (registers the package's actions with the policy)
from portal.payments.listing import payments_page
from portal.payments.models import PaymentReport, ReportStatus
from portal.payments.services import confirm_report, reject_report, report_payment
from portal.payments.signals import payment_confirmed

__all__ = ["PaymentReport", "ReportStatus", "confirm_report", "init_payments", "payment_confirmed",
           "payments_page", "reject_report", "report_payment"]


def init_payments(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.payments import creditor_views, webhook_views  # noqa: F401  (routes on the same blueprint)
    from portal.payments.views import bp

    app.register_blueprint(bp)
    _provide_hooks()


def _provide_hooks() -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.cases import PaymentSource, payments_on_record, record_recovery_payment
    from portal.payments import services

    payments_on_record.provide("payments", services.on_record)

    @record_recovery_payment.provide
    def _record(case, amount, paid_on, method, reference, actor, today):
        """The creditor records money received after service: a receipt, instalments moved on, and
        the case marked paid when nothing is left due."""
        services.lock(case)
        return services.record(case, amount, paid_on, method, reference, PaymentSource.CREDITOR,
                               actor, today)
