"""The collections blueprint: the creditor's pages in views.py, the debtor's link in link_views.py."""
from flask import Blueprint

bp = Blueprint("receivables", __name__)
