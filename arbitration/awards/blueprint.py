"""The award's blueprint; arbitration/awards/views.py adds its routes."""
from flask import Blueprint

bp = Blueprint("awards", __name__, url_prefix="/arbitration")
