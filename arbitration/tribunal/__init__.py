"""The arbitral tribunal: the neutral panel, appointing the arbitrator (institution, or proposed and
agreed), the s.12 disclosure and conflict checks, and challenges to the arbitrator."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `tribunal` blueprint."""
    from arbitration.tribunal.views import bp

    app.register_blueprint(bp)
    from arbitration.tribunal.appointments import may_act
    from portal.accounts import policy

    policy.tribunal_may_act.provide(may_act)
    from arbitration.tribunal.authority import institution_may_appoint

    policy.institution_may_appoint.provide(institution_may_appoint)
