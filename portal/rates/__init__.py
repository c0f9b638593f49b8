"""Platform reference rates: the dated RBI Bank Rate table behind MSMED Act s.16 interest."""
from flask import Flask

from portal.rates.seed import seed_bank_rates
from portal.rates.services import rate_table
from portal.rates.table import RateMissing, RatePoint, RateTable

__all__ = ["RateMissing", "RatePoint", "RateTable", "init_rates", "rate_table", "seed_bank_rates"]


def init_rates(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.rates.views import bp

    app.register_blueprint(bp)
