"""Developer-only tools: the outbox page showing what the local SMTP sink and SMS outbox caught."""
from flask import Flask


def init_dev(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    if not app.config.get("DEV_OUTBOX_ENABLED"):
        return
    from portal.dev.views import bp

    app.register_blueprint(bp)
