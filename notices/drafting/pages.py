"""The notice page and its loader, shared by the drafting views and the signing views that re-render it."""
from __future__ import annotations

import difflib

from flask import abort, render_template
from flask_login import current_user
from flask_wtf import FlaskForm

from notices.drafting.forms import ApproveForm, CommentForm
from notices.models import Notice
from portal.accounts import Action, Role, require
from portal.extensions import db


def load_notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        abort(404, "No such notice.")
    require(current_user, Action.VIEW_NOTICE_DRAFT, notice.case)
    return notice


def _diff(notice: Notice) -> list[tuple[str, str]]:
    if len(notice.versions) < 2:
        return []
    old, new = notice.versions[-2].body_text.splitlines(), notice.versions[-1].body_text.splitlines()
    return [(line[0], line[2:]) for line in difflib.ndiff(old, new) if line[0] in " +-"]


def notice_page(notice: Notice, *, comment_form=None, approve_form=None, status=200):
    from notices.signing.providers import signing_choices

    return render_template("notices/show.html", notice=notice, case=notice.case, diff=_diff(notice),
                           signing=signing_choices(notice),
                           form=FlaskForm(), comment_form=comment_form or CommentForm(formdata=None),
                           approve_form=approve_form or ApproveForm(formdata=None),
                           is_creditor=current_user.role == Role.CREDITOR,
                           is_reviewer=current_user.role == Role.ADVOCATE
                           and notice.case.advocate_id == current_user.id), status
