"""The `notice_batches` blueprint: bulk notice requests and the advocate's batch review."""
from flask import Blueprint

bp = Blueprint("notice_batches", __name__, url_prefix="/notices/batches")
