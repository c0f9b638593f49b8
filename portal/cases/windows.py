"""The case statuses in which each kind of step is open: the windows the actions of every package
are registered with (portal.accounts.policy), derived from the case's state table where it can say."""
from __future__ import annotations

from portal.cases.states import CASE, CaseStatus

EDITABLE_STATUSES = frozenset({CaseStatus.DRAFT, CaseStatus.FILED, CaseStatus.NOTICE_DRAFTING})
CLOSED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.WITHDRAWN})
OPEN_STATUSES = frozenset(CaseStatus) - CLOSED_STATUSES
# After service: the debtor may see its case and its evidence.
SERVED_STATUSES = frozenset(CaseStatus) - EDITABLE_STATUSES - frozenset(
    {CaseStatus.NOTICE_IN_REVIEW, CaseStatus.NOTICE_SIGNED, CaseStatus.WITHDRAWN})
SERVABLE_STATUSES = frozenset({CaseStatus.NOTICE_SIGNED, CaseStatus.NOTICE_SERVED, CaseStatus.RESPONDED,
                               CaseStatus.IN_NEGOTIATION, CaseStatus.IN_CONCILIATION})
RESPONSE_STATUSES = frozenset({CaseStatus.NOTICE_SERVED, CaseStatus.RESPONDED, CaseStatus.IN_NEGOTIATION,
                               CaseStatus.IN_CONCILIATION})
PAYABLE_STATUSES = SERVED_STATUSES & CASE.sources("mark_paid")
ROOM_OPEN_STATUSES = frozenset({CaseStatus.IN_NEGOTIATION, CaseStatus.IN_CONCILIATION,
                                CaseStatus.IN_ARBITRATION})
ROOM_VISIBLE_STATUSES = ROOM_OPEN_STATUSES | frozenset(
    {CaseStatus.SETTLED, CaseStatus.DEFAULTED, CaseStatus.PAID, CaseStatus.AWARDED, CaseStatus.CLOSED})
PROCEEDINGS_STATUSES = frozenset({CaseStatus.IN_ARBITRATION, CaseStatus.AWARDED, CaseStatus.SETTLED,
                                  CaseStatus.PAID, CaseStatus.CLOSED})
AWARD_STATUSES = frozenset({CaseStatus.IN_ARBITRATION, CaseStatus.AWARDED, CaseStatus.SETTLED,
                            CaseStatus.PAID, CaseStatus.CLOSED})
INVOCABLE_STATUSES = CASE.sources("invoke_arbitration")
# A debtor's own account does not see a claim still in draft.
HIDDEN_FROM_DEBTOR = frozenset({CaseStatus.DRAFT})
