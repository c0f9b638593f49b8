"""Serving: dispatching a signed notice by e-mail, SMS, WhatsApp and post within the contact rules,
the delivery timeline from provider receipts and bounces, deadlines, and the delivery-proof certificate."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from notices.serving.views import bp, postal_bp, webhooks_bp

    app.register_blueprint(bp)
    app.register_blueprint(postal_bp)
    app.register_blueprint(webhooks_bp)
