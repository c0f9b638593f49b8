"""The arbitral tribunal: the neutral panel, appointing the arbitrator (institution, or proposed and
agreed), the s.12 disclosure and conflict checks, and challenges to the arbitrator."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `tribunal` blueprint."""
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from arbitration.tribunal.views import bp

    app.register_blueprint(bp)
    from arbitration.tribunal import authority
    from arbitration.tribunal.appointments import may_act
    from portal.accounts import institution_may_appoint, tribunal_may_act

    tribunal_may_act.provide(may_act)
    institution_may_appoint.provide(authority.institution_may_appoint)
