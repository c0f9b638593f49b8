"""The settlement agreement's pages: read, sign or accept, download; the instalment schedule."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("settlement", __name__)
