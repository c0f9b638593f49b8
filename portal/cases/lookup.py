"""The one way a view finds the case in its URL: 404 when there is none, then the policy decides."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import Action, require
from portal.cases.models import Case
from portal.extensions import db


def case_for(reference: str, action: Action | str) -> Case:
    """The case with this reference if the current user may take `action` on it (403/404 otherwise)."""
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    if case is None:
        abort(404, "No such case.")
    require(current_user, action, case)
    return case
