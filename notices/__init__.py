"""Legal notices: drafting from the case, advocate review, signing and public verification."""
from flask import Flask


def init_notices(app: Flask) -> None:
    from notices.views import bp

    app.register_blueprint(bp)
