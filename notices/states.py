"""The notice's lifecycle, shared glue: drafting moves a notice through review to approval, signing
makes it SIGNED, and serving, bulk notices and arbitration read it."""
from __future__ import annotations

import enum


class NoticeStatus(enum.StrEnum):
    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    SIGNED = "signed"
