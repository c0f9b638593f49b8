"""The arbitral proceedings: the procedural calendar and its statutory clocks, filings, hearings,
procedural orders signed with the neutral's key, fees, and the calendar reminders task."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `proceedings` blueprint."""
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from arbitration.proceedings.views import bp

    app.register_blueprint(bp)
