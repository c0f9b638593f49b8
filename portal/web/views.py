"""Home, dashboard and health endpoints."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from portal.accounts import Role
from portal.cases import ListQuery, bucket_label, today_ist, visible_cases
from portal.cases import page as case_list_page
from portal.database import replica_reads
from portal.extensions import db

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    return render_template("web/home.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    if current_user.role == Role.DEBTOR:  # a debtor's home is its own list of claims, not the case desk
        return redirect(url_for("debtor_account.my_cases"))
    # The newest 20 rows of the case list: one statement with the debtor, advocate and figures,
    # from the read replica when there is one (a second behind is fine for a dashboard).
    today = today_ist()
    with replica_reads():
        page = case_list_page(db.session, visible_cases(current_user), ListQuery(), today, size=20)
    return render_template("web/dashboard.html", page=page, cases=page.rows, today=today,
                           bucket_label=bucket_label)


@bp.get("/health")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on their own (for PDFs and downloads too); the icon is an SVG."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
