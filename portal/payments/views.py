"""Payment pages for the debtor and the creditor, and the gateway's webhook."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("payments", __name__)
