"""The ODR room's two blueprints: `odr` (the room's messages, private sessions, the conciliator) and
`offers` (offers and blind bidding). The view modules import them from here to add their routes."""
from flask import Blueprint

bp = Blueprint("odr", __name__)
offers_bp = Blueprint("offers", __name__, url_prefix="/odr")
