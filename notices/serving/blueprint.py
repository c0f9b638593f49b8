"""The serving blueprints: `serving` (serve a notice, its delivery page and proof), `postal` (the postal
steps) and `webhooks` (provider receipts, inbound mail, the tracking pixel)."""
from flask import Blueprint

bp = Blueprint("serving", __name__)
postal_bp = Blueprint("postal", __name__)
webhooks_bp = Blueprint("webhooks", __name__)
