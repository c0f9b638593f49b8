"""The settlement agreement: made from accepted terms, signed or accepted by each side, sealed; then
its instalments, tracked against payments (reminders, defaults, cures) by an hourly Celery task."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `settlement` blueprint and listen for confirmed payments."""
    from arbitration.settlement import instalments
    from arbitration.settlement.views import bp

    app.register_blueprint(bp)
    instalments.subscribe()  # confirmed payments move settled cases on (cure_default, mark_paid)
