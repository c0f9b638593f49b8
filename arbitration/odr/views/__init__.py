"""The ODR room's pages. Importing each view module here adds its routes to the blueprints."""
# In the order the routes were added before the split (the room's own first), so the URL map is unchanged.
from arbitration.odr.views import room  # noqa: I001
from arbitration.odr.views import appointment, caucus, conciliator
from arbitration.odr.views import offers, bidding
from arbitration.odr.blueprint import bp, offers_bp

__all__ = ["bp", "offers_bp", "room", "appointment", "caucus", "conciliator", "offers", "bidding"]
