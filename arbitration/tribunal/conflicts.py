"""The Seventh Schedule conflict check: the relationships a neutral declares (employee, consultant,
adviser or director of a party, same law firm as a party's advocate, ...) are matched against the
parties (the creditor organisation, the debtor party) and their advocates. A match makes the neutral
ineligible (A&C s.12(5)) and blocks the appointment with a message naming the ground."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from arbitration.tribunal.models import DeclaredRelationship, Ground
from notices import Notice
from portal.accounts import User
from portal.cases import Case
from portal.errors import DomainError
from portal.extensions import db

GROUND_LABELS = {
    Ground.EMPLOYEE: "an employee of",
    Ground.CONSULTANT: "a consultant to",
    Ground.ADVISER: "an adviser to",
    Ground.DIRECTOR: "a director or manager of",
    Ground.SHAREHOLDER: "a significant shareholder in",
    Ground.ADVISED_PARTY: "a regular adviser of",
    Ground.SAME_LAW_FIRM: "in the same law firm as",
    Ground.FAMILY: "a close family member of",
    Ground.COUNSEL: "counsel for, or advising,",
}
# Company-name endings that do not tell two businesses apart ("Kaveri Looms Pvt. Ltd" = "Kaveri Looms").
_SUFFIXES = re.compile(r"\b(private|pvt|limited|ltd|llp|co|company|and|the)\b")


def normalise_name(name: str | None) -> str:
    words = _SUFFIXES.sub(" ", re.sub(r"[^a-z0-9 ]+", " ", (name or "").casefold()))
    return " ".join(words.split())


@dataclass(frozen=True)
class Counterpart:
    """A person or business on one side of the case the neutral must be free of."""

    role: str  # "the creditor", "the debtor", "the creditor's advocate", ...
    name: str
    gstin: str | None = None
    pan: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Conflict:
    relationship: DeclaredRelationship
    counterpart: Counterpart

    @property
    def message(self) -> str:
        return (f"Seventh Schedule: the neutral declared being {GROUND_LABELS[self.relationship.ground]} "
                f"{self.relationship.counterpart_name}, which is {self.counterpart.role} "
                f"({self.counterpart.name}); that makes them ineligible to act (s.12(5)).")


def counterparts(case: Case) -> list[Counterpart]:
    found = [Counterpart("the creditor", case.creditor.legal_name, case.creditor.gstin, case.creditor.pan),
             Counterpart("the debtor", case.debtor.legal_name, case.debtor.gstin, case.debtor.pan)]
    if case.debtor.user is not None:
        found.append(Counterpart("the debtor's representative", case.debtor.user.name,
                                 email=case.debtor.user.email))
    # Each party's counsel: the advocate on the case now, and any advocate who signed a notice in it
    # (counsel replaced mid-case still counts: Seventh Schedule items 2-4 speak of a party's counsel).
    counsel = [case.advocate] if case.advocate is not None else []
    signed = db.session.scalars(select(User).join(Notice, Notice.advocate_id == User.id)
                                .where(Notice.case_id == case.id).distinct())
    counsel += [u for u in signed if u not in counsel]
    found += [Counterpart("the creditor's advocate", u.name, email=u.email) for u in counsel]
    return found


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip().casefold() == b.strip().casefold())


def matches(rel: DeclaredRelationship, who: Counterpart) -> bool:
    name = normalise_name(rel.counterpart_name)
    return (_same(rel.gstin, who.gstin) or _same(rel.pan, who.pan) or _same(rel.email, who.email)
            or bool(name and name == normalise_name(who.name)))


def relationships_of(neutral: User) -> list[DeclaredRelationship]:
    return list(db.session.scalars(select(DeclaredRelationship).where(
        DeclaredRelationship.neutral_id == neutral.id).order_by(DeclaredRelationship.id)))


def conflicts(case: Case, neutral: User) -> list[Conflict]:
    others = counterparts(case)
    return [Conflict(rel, who) for rel in relationships_of(neutral) for who in others if matches(rel, who)]


def check(case: Case, neutral: User) -> None:
    """Refuse (DomainError, 409) when a declared relationship ties the neutral to a party or counsel."""
    found = conflicts(case, neutral)
    if found:
        raise DomainError(" ".join(dict.fromkeys(c.message for c in found)))
