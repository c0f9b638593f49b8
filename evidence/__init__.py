"""Evidence: immutable, hashed documents of a case, their downloads, and the case bundle.

Other packages use: services.add_document, services.documents_for, services.freeze, services.store.
"""
from flask import Flask


def init_evidence(app: Flask) -> None:
    from evidence.views import bp

    app.register_blueprint(bp)
