"""Online dispute resolution and arbitration, one sub-package per stage: odr (the room, offers, blind
bidding, conciliation), settlement (the agreement and its instalments), invocation (the basis and the
s.21 notice), tribunal, proceedings and awards. Each registers its own blueprints in init_app."""
from flask import Flask

from arbitration import permissions  # noqa: F401  (registers the package's actions with the policy)


def init_arbitration(app: Flask) -> None:
    from arbitration import awards, invocation, odr, proceedings, settlement, tribunal

    for part in (odr, settlement, proceedings, invocation, awards, tribunal):
        part.init_app(app)
    # Room pages link to each section whose blueprint is installed.
    app.add_template_global(lambda endpoint: endpoint in app.view_functions, "has_endpoint")
