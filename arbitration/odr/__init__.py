"""Online dispute resolution: the ODR room (messages, private sessions, the conciliator), offers and
counter-offers, and double-blind bidding. A settled room hands its terms to arbitration.settlement."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `odr` and `offers` blueprints."""
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from arbitration.odr.views import bp, offers_bp

    app.register_blueprint(bp)
    app.register_blueprint(offers_bp)
    from arbitration.odr.conciliation import may_act
    from portal.accounts import conciliator_may_act

    conciliator_may_act.provide(may_act)
