"""The blueprint of invoking arbitration; arbitration/invocation/views.py adds its routes."""
from flask import Blueprint

bp = Blueprint("invocation", __name__, url_prefix="/arbitration")
