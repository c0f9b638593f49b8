"""The settlement agreement as a document: its wording (parties, sum, schedule, default clause, what
happens to the proceedings, the statutory basis) and the page recording how each party agreed.

The unsigned PDF is what every party accepts (by its SHA-256); the final PDF is the same text plus the
signature and acceptance page, which the platform then seals (seal.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from arbitration.settlement.terms import SettlementTerms
from portal.cases import Case, CaseStatus
from portal.pdf import render_pdf
from portal.types import to_ist, utcnow

STYLESHEETS = ("base.css", "settlement.css")
OTP_WORDING = "accepted electronically by one-time code, not signed with a digital signature"


@dataclass(frozen=True)
class Basis:
    """Under what law the agreement binds, and what it does to the proceedings."""

    kind: str                  # "conciliation", "arbitration" or "negotiation"
    title: str
    paragraphs: tuple[str, ...]


def basis_for(case: Case, *, neutral_required: bool) -> Basis:
    if case.status == CaseStatus.IN_ARBITRATION:
        return Basis("arbitration", "Settlement during arbitral proceedings", (
            "The parties settle the dispute during the arbitral proceedings. Under section 30 of the "
            "Arbitration and Conciliation Act, 1996, they request the arbitral tribunal to terminate the "
            "proceedings and record this settlement as an arbitral award on agreed terms, which has the "
            "same status and effect as any other arbitral award on the substance of the dispute.",))
    if neutral_required:
        return Basis("conciliation", "Settlement agreement in conciliation", (
            "This agreement is reached in conciliation. Under section 73 of the Arbitration and "
            "Conciliation Act, 1996, once signed by the parties and authenticated by the conciliator it is "
            "final and binding on the parties and persons claiming under them, and under section 74 it has "
            "the same status and effect as an arbitral award on agreed terms under section 30.",
            "Where the neutral acted as mediator, a mediated settlement agreement signed by the parties and "
            "authenticated by the mediator is final and binding and enforceable as a decree under the "
            "Mediation Act, 2023.",
            "Section 3A and the Second Schedule of the Information Technology Act, 2000 recognise a "
            "digital signature certificate or Aadhaar eSign as a signature. A party who only accepted by "
            "one-time code has not signed in that sense; this is shown on the last page."))
    return Basis("negotiation", "Settlement agreement", (
        "This agreement is reached by direct negotiation between the parties. It is a contract formed by "
        "electronic means, valid under section 10A of the Information Technology Act, 2000 and the Indian "
        "Contract Act, 1872, and an electronic record satisfying any requirement of writing under section 4 "
        "of that Act.",))


def consequence(case: Case, basis: Basis, grace_days: int) -> tuple[str, ...]:
    """What the agreement does to the claim and the proceedings, and what a default does."""
    out = [f"This agreement settles all claims made in case {case.reference}. While the debtor pays "
           "as scheduled, the creditor will not begin or continue any arbitration, suit or other proceeding "
           "on those claims."]
    if basis.kind == "arbitration":
        out.append("The pending arbitral proceedings end with the award on agreed terms.")
    out.append("When every instalment has been paid the claims are discharged in full and the case is "
               "closed.")
    out.append(f"Default: if an instalment is not paid in full within {grace_days} days after its due date, "
               "the debtor is in default. The whole unpaid balance of the settlement sum then falls due at "
               "once, both parties are told, and the creditor may invoke arbitration (or, where this "
               "agreement has the status of an award, enforce it) for that balance.")
    return tuple(out)


def grace_days() -> int:
    return int(current_app.config.get("SETTLEMENT_GRACE_DAYS", 7))


def render(case: Case, terms: SettlementTerms, *, version: int, neutral_required: bool,
           signatures=(), unsigned_sha256: str = "", seal_demo: bool = False) -> bytes:
    """The agreement; with `signatures`, the final version with the page recording them."""
    basis = basis_for(case, neutral_required=neutral_required)
    return render_pdf("pdf/settlement.html", stylesheets=STYLESHEETS, case=case, terms=terms,
                      version=version, basis=basis, clauses=consequence(case, basis, grace_days()),
                      neutral=case.neutral if neutral_required else None, signatures=list(signatures),
                      unsigned_sha256=unsigned_sha256, otp_wording=OTP_WORDING, seal_demo=seal_demo,
                      generated_ist=to_ist(utcnow()))
