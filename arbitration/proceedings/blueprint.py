"""The proceedings' blueprint: the calendar, hearings and orders, and the neutral's certificate page."""
from flask import Blueprint

bp = Blueprint("proceedings", __name__, url_prefix="/arbitration")
