"""Bulk import of unpaid invoices from CSV or XLSX, grouped into cases by debtor."""
from flask import Flask

from portal.imports.models import ImportBatch

__all__ = ["ImportBatch", "init_imports"]


def init_imports(app: Flask) -> None:
    from portal.imports.views import bp

    app.register_blueprint(bp)
