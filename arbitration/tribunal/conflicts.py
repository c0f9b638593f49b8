"""The Seventh Schedule conflict check: the relationships a neutral declares (employee, consultant,
adviser or director of a party, same law firm as a party's advocate, ...) are matched against the
parties (the creditor organisation, the debtor party) and their advocates. A match makes the neutral
ineligible (A&C s.12(5)) and blocks the appointment with a message naming the ground.

A conflict's `message` is English and a record (the grounds an ineligibility fires with); a page says
it in its reader's language with `sentence`, one catalogue message per ground."""
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
from portal.i18n import N_, gettext

# The English of Conflict.message, the record (SENTENCES below say a whole conflict on a page).
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
# The conflict's sentence for a page, one whole message per ground (in English, the same words as
# Conflict.message): %(name)s the name declared, %(role)s who that is in the case (a Counterpart's role,
# itself a catalogue message), %(party)s the name it has in the case.
SENTENCES = {
    Ground.EMPLOYEE: N_("Seventh Schedule: the neutral declared being an employee of %(name)s, which is "
                        "%(role)s (%(party)s); that makes them ineligible to act (s.12(5))."),
    Ground.CONSULTANT: N_("Seventh Schedule: the neutral declared being a consultant to %(name)s, which is "
                          "%(role)s (%(party)s); that makes them ineligible to act (s.12(5))."),
    Ground.ADVISER: N_("Seventh Schedule: the neutral declared being an adviser to %(name)s, which is "
                       "%(role)s (%(party)s); that makes them ineligible to act (s.12(5))."),
    Ground.DIRECTOR: N_("Seventh Schedule: the neutral declared being a director or manager of %(name)s, "
                        "which is %(role)s (%(party)s); that makes them ineligible to act (s.12(5))."),
    Ground.SHAREHOLDER: N_("Seventh Schedule: the neutral declared being a significant shareholder in "
                           "%(name)s, which is %(role)s (%(party)s); that makes them ineligible to act "
                           "(s.12(5))."),
    Ground.ADVISED_PARTY: N_("Seventh Schedule: the neutral declared being a regular adviser of %(name)s, "
                             "which is %(role)s (%(party)s); that makes them ineligible to act (s.12(5))."),
    Ground.SAME_LAW_FIRM: N_("Seventh Schedule: the neutral declared being in the same law firm as %(name)s, "
                             "which is %(role)s (%(party)s); that makes them ineligible to act (s.12(5))."),
    Ground.FAMILY: N_("Seventh Schedule: the neutral declared being a close family member of %(name)s, which "
                      "is %(role)s (%(party)s); that makes them ineligible to act (s.12(5))."),
    Ground.COUNSEL: N_("Seventh Schedule: the neutral declared being counsel for, or advising, %(name)s, "
                       "which is %(role)s (%(party)s); that makes them ineligible to act (s.12(5))."),
}
CREDITOR, DEBTOR = N_("the creditor"), N_("the debtor")
DEBTOR_REPRESENTATIVE, CREDITOR_ADVOCATE = N_("the debtor's representative"), N_("the creditor's advocate")
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

    @property
    def sentence(self) -> str:
        """The message in the language in force (the page's; English where none is, as in the API)."""
        return gettext(SENTENCES[self.relationship.ground], name=self.relationship.counterpart_name,
                       role=gettext(self.counterpart.role), party=self.counterpart.name)


def counterparts(case: Case) -> list[Counterpart]:
    found = [Counterpart(CREDITOR, case.creditor.legal_name, case.creditor.gstin, case.creditor.pan),
             Counterpart(DEBTOR, case.debtor.legal_name, case.debtor.gstin, case.debtor.pan)]
    if case.debtor.user is not None:
        found.append(Counterpart(DEBTOR_REPRESENTATIVE, case.debtor.user.name,
                                 email=case.debtor.user.email))
    # Each party's counsel: the advocate on the case now, and any advocate who signed a notice in it
    # (counsel replaced mid-case still counts: Seventh Schedule items 2-4 speak of a party's counsel).
    counsel = [case.advocate] if case.advocate is not None else []
    signed = db.session.scalars(select(User).join(Notice, Notice.advocate_id == User.id)
                                .where(Notice.case_id == case.id).distinct())
    counsel += [u for u in signed if u not in counsel]
    found += [Counterpart(CREDITOR_ADVOCATE, u.name, email=u.email) for u in counsel]
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
    """Refuse (DomainError, 409) when a declared relationship ties the neutral to a party or counsel; the
    refusal is said in the language in force (a page's reader's; English in the API and in tasks)."""
    found = conflicts(case, neutral)
    if found:
        raise DomainError(" ".join(dict.fromkeys(c.sentence for c in found)))
