"""The ODR room's pages."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("odr", __name__)
