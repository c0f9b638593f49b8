"""The `notices` blueprint: the notice pages, and the signing and mandate pages that share its endpoint
prefix (templates call url_for("notices.sign_notice"), url_for("notices.grant_mandate"), …)."""
from flask import Blueprint

bp = Blueprint("notices", __name__)
