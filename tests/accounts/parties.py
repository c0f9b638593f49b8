"""Everyone with, and without, a relationship to one creditor's cases: for authorization tests.

The right parties: the creditor organisation's admin and staff, the advocate assigned to the case,
the debtor who owns the debtor party, the neutral appointed, the platform admin. The strangers:
another creditor organisation, an advocate not engaged, an engaged advocate the case is not
assigned to, a debtor of another party, a neutral not appointed.
"""
from __future__ import annotations

from functools import cached_property

from arbitration.odr.models.room import ConciliatorAcceptance
from portal.accounts.models import User
from portal.cases.models import Case
from portal.cases.states import CaseStatus
from portal.extensions import db
from tests.factories import (
    AdminFactory,
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    DebtorUserFactory,
    EngagementFactory,
    NeutralFactory,
    OrganizationFactory,
    PartyFactory,
)

RIGHT_PARTIES = ("creditor_admin", "creditor_staff", "advocate", "debtor", "neutral", "admin")
STRANGERS = ("other_creditor", "unengaged_advocate", "unassigned_advocate", "other_debtor",
             "other_neutral")
ACTORS = ("anonymous", *RIGHT_PARTIES, *STRANGERS)
CREDITORS = frozenset({"creditor_admin", "creditor_staff"})


class Parties:
    """Builds the users on first use; `case(status)` gives one case per status, built once."""

    def __init__(self) -> None:
        self.org = OrganizationFactory(legal_name="Kaveri Looms Pvt Ltd")
        self._cases: dict[CaseStatus, Case] = {}

    @cached_property
    def creditor_admin(self) -> User:
        return CreditorFactory(organization=self.org, is_org_admin=True)

    @cached_property
    def creditor_staff(self) -> User:
        return CreditorFactory(organization=self.org, is_org_admin=False)

    @cached_property
    def advocate(self) -> User:
        user = AdvocateFactory()
        EngagementFactory(org_id=self.org.id, advocate_id=user.id)
        return user

    @cached_property
    def debtor(self) -> User:
        return DebtorUserFactory()

    @cached_property
    def neutral(self) -> User:
        return NeutralFactory()

    @cached_property
    def admin(self) -> User:
        return AdminFactory()

    @cached_property
    def other_creditor(self) -> User:
        return CreditorFactory(is_org_admin=True)

    @cached_property
    def unengaged_advocate(self) -> User:
        return AdvocateFactory()

    @cached_property
    def unassigned_advocate(self) -> User:
        user = AdvocateFactory()
        EngagementFactory(org_id=self.org.id, advocate_id=user.id)
        return user

    @cached_property
    def other_debtor(self) -> User:
        user = DebtorUserFactory()
        other = CaseFactory(creditor=self.org, _status=CaseStatus.FILED)
        other.debtor.user_id = user.id  # a debtor of this creditor, but of another party
        return user

    @cached_property
    def other_neutral(self) -> User:
        return NeutralFactory()

    def user(self, actor: str) -> User | None:
        return None if actor == "anonymous" else getattr(self, actor)

    def everyone(self) -> None:
        """Create every user now (so ids exist before requests are made)."""
        for actor in ACTORS[1:]:
            self.user(actor)

    def case(self, status: CaseStatus = CaseStatus.FILED) -> Case:
        """The creditor's case in `status` (one per status): its advocate, debtor and neutral set."""
        if status not in self._cases:
            self._cases[status] = self.new_case(status)
        return self._cases[status]

    def new_case(self, status: CaseStatus = CaseStatus.FILED, *, conciliator_accepted: bool = True) -> Case:
        """With `conciliator_accepted`, the neutral has filed its disclosure and accepted as conciliator
        (so it may act in the room); tests of that gate pass False."""
        party = PartyFactory(created_by_org_id=self.org.id, user_id=self.debtor.id)
        case = CaseFactory(creditor=self.org, debtor=party, _status=status,
                           created_by_id=self.creditor_admin.id, advocate_id=self.advocate.id,
                           neutral_id=self.neutral.id, stated_interest_rate=18)
        if conciliator_accepted:
            db.session.add(ConciliatorAcceptance(case_id=case.id, neutral_id=self.neutral.id,
                                                 disclosure={"name": self.neutral.name}))
            db.session.flush()
        return case
