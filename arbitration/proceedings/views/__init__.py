"""The proceedings' pages. Importing each view module here adds its routes to the blueprint."""
# Alphabetical is also the order the routes were added before the split (the calendar first).
from arbitration.proceedings.blueprint import bp
from arbitration.proceedings.views import calendar, hearings, neutral_keys

__all__ = ["bp", "calendar", "hearings", "neutral_keys"]
