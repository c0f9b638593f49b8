"""Invoking arbitration: the basis on record (clause, submission agreement or the MSMED route), the
s.21 notice that invokes it, and the MSMED Facilitation Council export."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `invocation` blueprint."""
    from arbitration.invocation.views import bp

    app.register_blueprint(bp)
