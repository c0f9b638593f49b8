"""The web shell: home page, dashboard, health check."""
from flask import Flask


def init_web(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.web.filters import register_filters
    from portal.web.views import bp

    register_filters(app)
    app.register_blueprint(bp)
