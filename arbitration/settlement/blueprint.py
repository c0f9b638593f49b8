"""The settlement agreement's blueprint; arbitration/settlement/views.py adds its routes."""
from flask import Blueprint

bp = Blueprint("settlement", __name__, url_prefix="/odr")
