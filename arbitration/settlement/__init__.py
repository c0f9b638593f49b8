"""The settlement agreement: made from accepted terms, signed or accepted by each side, sealed; then
its instalments, tracked against payments (reminders, defaults, cures) by an hourly Celery task."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `settlement` blueprint and listen for confirmed payments."""
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from arbitration.settlement import instalments
    from arbitration.settlement.views import bp

    app.register_blueprint(bp)
    instalments.subscribe()  # confirmed payments move settled cases on (cure_default, mark_paid)
    from portal.cases import next_instalment, settlement_outstanding

    # Once a settlement governs, payments ask it what is still due and which instalment comes next.
    settlement_outstanding.provide(instalments.outstanding)
    next_instalment.provide(instalments.next_unpaid)
    from arbitration.settlement import signing
    from arbitration.settlement.models import AgreementStatus
    from notices import finish_settlement_ceremony, settlement_complete

    # Aadhaar eSign and DocuSign ceremonies may sign a settlement agreement; the settlement finishes them.
    finish_settlement_ceremony.provide(signing.finish_ceremony)
    settlement_complete.provide(lambda agreement: agreement.status == AgreementStatus.SIGNED)
