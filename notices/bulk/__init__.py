"""Bulk notices: a creditor requests notices on many cases at once, a worker drafts each, and the
advocate reviews a sample before approving the batch."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    import notices.bulk.tasks  # noqa: F401  (registers the bulk drafting task)
    from notices.bulk.views import bp

    app.register_blueprint(bp)
