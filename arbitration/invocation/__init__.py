"""Invoking arbitration: the basis on record (clause, submission agreement or the MSMED route), the
s.21 notice that invokes it, and the MSMED Facilitation Council export."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `invocation` blueprint."""
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from arbitration.invocation.views import bp

    app.register_blueprint(bp)
