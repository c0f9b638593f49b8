"""Online dispute resolution and arbitration: the ODR room (messages, offers, blind bidding,
conciliation), the settlement agreement and its instalments; later the arbitration itself."""
from flask import Flask


def init_arbitration(app: Flask) -> None:
    from arbitration.room_views import bp as room_bp
    from arbitration.settlement_views import bp as settlement_bp

    app.register_blueprint(room_bp)
    app.register_blueprint(settlement_bp)
    from arbitration import instalments
    instalments.subscribe()  # confirmed payments move settled cases on (cure_default, mark_paid)
    from arbitration.offer_views import bp as offers_bp
    app.register_blueprint(offers_bp)
    from arbitration.proceedings_views import bp as proceedings_bp
    app.register_blueprint(proceedings_bp)
    from arbitration.invocation_views import bp as invocation_bp
    app.register_blueprint(invocation_bp)
    from arbitration.award_views import bp as awards_bp
    app.register_blueprint(awards_bp)
    from arbitration.tribunal_views import bp as tribunal_bp
    app.register_blueprint(tribunal_bp)
    # Room pages link to each section whose blueprint is installed.
    app.add_template_global(lambda endpoint: endpoint in app.view_functions, "has_endpoint")
