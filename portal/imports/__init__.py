"""Bulk import of unpaid invoices from CSV or XLSX, grouped into cases by debtor."""
from flask import Flask

from portal.imports.models import ImportBatch

__all__ = ["ImportBatch", "init_imports"]


def init_imports(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.imports.views import bp

    app.register_blueprint(bp)
