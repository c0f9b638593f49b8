"""The tribunal's blueprint: the case's tribunal page and the neutral panel's pages share it."""
from flask import Blueprint

bp = Blueprint("tribunal", __name__, url_prefix="/arbitration")
