"""What the case bundle asks of the notices (above it), through a hook they provide at start-up (see
portal.hooks): the language its s.63 certificate is written in."""
from __future__ import annotations

from portal.hooks import Hook

# (case) -> "en" or "hi": the language of the case's demand notice (notices.debtor_language).
bundle_language: Hook = Hook("evidence.bundle_language", provided_by="notices")
