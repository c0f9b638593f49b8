"""Legal notices: drafting from the case, advocate review, signing and public verification."""
from flask import Flask


def init_notices(app: Flask) -> None:
    import notices.tasks  # noqa: F401  (registers the bulk drafting task)
    from notices.bulk_views import bp as bulk_bp
    from notices.postal_views import bp as postal_bp
    from notices.serving_views import bp as serving_bp
    from notices.views import bp
    from notices.webhook_views import bp as webhooks_bp

    app.register_blueprint(bp)
    app.register_blueprint(bulk_bp)
    app.register_blueprint(serving_bp)
    app.register_blueprint(postal_bp)
    app.register_blueprint(webhooks_bp)
