"""The lifecycle of one case in a bulk request: queued, then drafted or failed.

`BATCH_ITEM` is the table `portal.lifecycle.fire` applies (audit events `notice_batch.item_*`).
"""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class BatchItemStatus(enum.StrEnum):
    QUEUED = "queued"
    DRAFTED = "drafted"
    FAILED = "failed"


S = BatchItemStatus
# The worker drafts in the name of the creditor who asked.
WHO = {Role.CREDITOR, Role.SYSTEM}

BATCH_ITEM = Machine(
    "batch_item", BatchItemStatus,
    initial=frozenset({S.QUEUED}),
    transitions=(
        transition("item_drafted", S.QUEUED, S.DRAFTED, WHO, label=N_("Drafted")),
        transition("item_failed", S.QUEUED, S.FAILED, WHO, label=N_("Could not be drafted")),
    ),
    event="notice_batch",
    noun=N_("the batch item"),
)
