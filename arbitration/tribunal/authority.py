"""Who may appoint the arbitrator (A&C s.11). The platform's admin, acting as the arbitral institution,
appoints only where the parties made it the appointing authority: the arbitration agreement names it
(the submission agreement Sulah drafts does; a clause must name Sulah, or an institution using it, as
the one who appoints), or both parties agreed in writing after the dispute arose (recorded here).
Otherwise, when the parties fail to agree on a sole arbitrator within thirty days of the request,
the appointment is for the court under s.11(5) (or s.11(6) where an agreed procedure fails); the
platform a creditor pays never appoints alone (Perkins Eastman v HSCC, 2019; CORE v ECI-SPIC-SMO-MCML,
Constitution Bench, 2024)."""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from arbitration.tribunal.models import InstitutionConsent
from portal import audit
from portal.accounts import Side, side_of
from portal.cases import Case
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_

# The consent a party gives is kept, and audited, in these English words; the court route is printed in
# the s.11 application bundle. A page shows both in its reader's language (`_(text)` in the template).
CONSENT_STATEMENT = N_("The dispute in this case having arisen, we agree in writing that Sulah, acting "
                       "as the arbitral institution, appoints the sole arbitrator from its panel of neutrals "
                       "(Arbitration and Conciliation Act, 1996, section 11(2)). The appointed arbitrator "
                       "must still disclose under section 12 and may be challenged under section 13.")
COURT_ROUTE = N_("The arbitration agreement does not make Sulah the appointing authority and the parties "
                 "have not both agreed in writing that it appoints. If the parties do not agree on the "
                 "arbitrator within thirty days of the request to do so, the appointment is for the court on "
                 "an application under section 11(5) (or section 11(6) where the agreed procedure fails) of "
                 "the Arbitration and Conciliation Act, 1996.")


def institution_names() -> tuple[str, ...]:
    """Sulah, and the institutions using it (configured as APPOINTING_INSTITUTIONS)."""
    return ("Sulah", *current_app.config.get("APPOINTING_INSTITUTIONS", ()))


def clause_names_institution(clause_text: str | None) -> bool:
    """The quoted clause names Sulah (or an institution using it) *and* speaks of appointing: a clause
    that names the platform only as the place of hearings does not make it the appointing authority."""
    text = (clause_text or "").casefold()
    return "appoint" in text and any(name.casefold() in text for name in institution_names())


def named_in_agreement(case: Case) -> bool:
    basis = getattr(case, "arbitration_basis", None)
    if basis is None or not basis.in_force:
        return False
    if basis.kind.value == "submission_agreement":  # its clause 1 names Sulah as the appointing institution
        return True
    return basis.kind.value == "clause" and clause_names_institution(basis.clause_text)


def consents(case: Case) -> dict[Side, InstitutionConsent]:
    rows = db.session.scalars(select(InstitutionConsent).where(InstitutionConsent.case_id == case.id))
    return {row.side: row for row in rows}


def both_consented(case: Case) -> bool:
    return {Side.CREDITOR, Side.DEBTOR} <= set(consents(case))


def may_appoint_each(cases: list[Case]) -> dict[int, bool]:
    """`institution_may_appoint` of each case (by id), the consents read in one statement."""
    sides: dict[int, set[Side]] = {case.id: set() for case in cases}
    if cases:
        for case_id, side in db.session.execute(select(InstitutionConsent.case_id, InstitutionConsent.side)
                                                .where(InstitutionConsent.case_id.in_(list(sides)))):
            sides[case_id].add(Side(side))
    return {case.id: named_in_agreement(case) or {Side.CREDITOR, Side.DEBTOR} <= sides[case.id]
            for case in cases}


def institution_may_appoint(case: Case) -> bool:
    return named_in_agreement(case) or both_consented(case)


def basis_of_authority(case: Case) -> str:
    """In words, why the institution may appoint here ('' when it may not): English, a catalogue
    message the page says in its reader's language."""
    if named_in_agreement(case):
        return N_("The arbitration agreement names Sulah as the appointing authority.")
    if both_consented(case):
        return N_("Both parties agreed in writing, after the dispute arose, that Sulah appoints.")
    return ""


def check_may_appoint(case: Case) -> None:
    if not institution_may_appoint(case):
        raise DomainError(COURT_ROUTE)


def party_side(actor: Any, case: Case) -> Side:
    side = Side.DEBTOR if getattr(actor, "link_id", None) is not None else side_of(actor, case)
    if side not in (Side.CREDITOR, Side.DEBTOR):
        raise DomainError("Only a party agrees that the institution appoints.")
    return side


def give_consent(actor: Any, case: Case) -> InstitutionConsent:
    """Record one party's written agreement that the institution appoints (after the dispute arose:
    it is given in the arbitration, once invoked)."""
    side = party_side(actor, case)
    if side in consents(case):
        raise DomainError("Your side has already agreed that the institution appoints.")
    name = getattr(actor, "name", "") or (case.debtor.legal_name if side == Side.DEBTOR else "")
    row = InstitutionConsent(case_id=case.id, side=side, given_by_id=getattr(actor, "id", None),
                             given_by_name=name[:200], statement=CONSENT_STATEMENT)
    db.session.add(row)
    db.session.flush()
    audit.record("arbitration.institution_consent", actor=actor, case=case, payload={
        "consent_id": row.id, "side": side.value, "statement": CONSENT_STATEMENT,
        "link_id": getattr(actor, "link_id", None)})
    return row
