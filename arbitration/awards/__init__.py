"""The arbitral award: drafted, finalised against the s.31 rules, signed, served on each party, the
s.34 challenge window, and closing the case."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `awards` blueprint."""
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from arbitration.awards.views import bp

    app.register_blueprint(bp)
    from arbitration.awards import making
    from portal.accounts import may_record_settlement

    may_record_settlement.provide(making.may_record_settlement)
