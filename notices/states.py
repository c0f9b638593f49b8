"""The notice's lifecycle, shared glue: drafting moves a notice through review to approval, signing
makes it SIGNED, and serving, bulk notices and arbitration read it.

`NOTICE` is the table `portal.lifecycle.fire` applies; its actions are named after the audit events
they write (`notice.submitted`, `notice.approved`, ...), which notifications key on.
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class NoticeStatus(enum.StrEnum):
    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SIGNED = "signed"


S = NoticeStatus
C, A, SYS = Role.CREDITOR, Role.ADVOCATE, Role.SYSTEM

NOTICE = Machine(
    "notice", NoticeStatus,
    # A notice is born drafting. (An award is no notice: it is a served document of its own,
    # notices/serving/documents.py.)
    initial=frozenset({S.DRAFTING}),
    transitions=(
        # Every new version of the text, the first included; a returned notice is redrafted.
        transition("version_drafted", {S.DRAFTING, S.CHANGES_REQUESTED}, S.DRAFTING, {C, A, SYS},
                   label=N_("Draft the notice")),
        transition("submitted", S.DRAFTING, S.IN_REVIEW, {C, SYS}, label=N_("Submit for review")),
        transition("changes_requested", S.IN_REVIEW, S.CHANGES_REQUESTED, {A},
                   label=N_("Return with comments")),
        transition("approved", S.IN_REVIEW, S.APPROVED, {A}, label=N_("Approve")),
        transition("signed", S.APPROVED, S.SIGNED, {A, SYS}, label=N_("Sign")),
    ),
    noun=N_("the notice"),
)
