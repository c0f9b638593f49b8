"""What serving asks of the debtor's side, through a hook it provides at start-up (see portal.hooks):
each dispatch carries a fresh personal link for the debtor."""
from __future__ import annotations

from portal.hooks import Hook

# (case_id, notice_id, dispatch_id, *, document_id=None) -> (link, token): the debtor's personal link
# for this attempt, with a notice or (notice_id None) a served document.
issue_debtor_link: Hook = Hook("notices.serving.issue_debtor_link", provided_by="portal.debtor")
# [(case_id, notice_id, dispatch_id, document_id), ...] -> [token, ...]: the same for a burst's
# dispatches at once (one read, one write).
issue_debtor_links: Hook = Hook("notices.serving.issue_debtor_links", provided_by="portal.debtor")
