"""Drafting and review: a notice drafted from the case, revised, submitted, returned with comments and
approved by the advocate; its wording and rendering; the notice summaries on the case page."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the `notices` blueprint, with the signing and mandate routes already on it."""
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from notices.drafting.views import bp

    app.register_blueprint(bp)
