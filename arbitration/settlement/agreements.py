"""Settlement agreements: make one from accepted terms, and complete it once everyone has agreed
(final PDF with the page of signatures, the platform seal, the case settled, instalments scheduled,
the sealed agreement served on the debtor: serving.py).

How a party signs or accepts is in signing.py. Services take an explicit actor, flush and
never commit.
"""
from __future__ import annotations

from sqlalchemy import func, select

from arbitration.settlement import pdf as settlement_pdf
from arbitration.settlement import serving
from arbitration.settlement.models import SettlementAgreement, SignerSide
from arbitration.settlement.states import AGREEMENT, LIVE, AgreementStatus
from arbitration.settlement.terms import SettlementTerms
from evidence import store, store_pdf
from portal import lifecycle
from portal import seal as platform_seal
from portal.cases import Case, CaseStatus, fire, today_ist
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import gettext
from portal.types import utcnow

# The statuses `settle` fires from (portal/cases/states.py).
SETTLEABLE = frozenset({CaseStatus.IN_NEGOTIATION, CaseStatus.IN_CONCILIATION, CaseStatus.IN_ARBITRATION})


def read_pdf(sha256: str) -> bytes:
    with store().open(sha256) as fh:
        return fh.read()


def live_agreement(case: Case) -> SettlementAgreement | None:
    """The agreement awaiting signatures or signed, if the case has one."""
    return db.session.scalar(select(SettlementAgreement).where(
        SettlementAgreement.case_id == case.id, SettlementAgreement.status.in_(LIVE))
        .order_by(SettlementAgreement.version.desc()))


def latest_agreement(case: Case) -> SettlementAgreement | None:
    return db.session.scalar(select(SettlementAgreement).where(SettlementAgreement.case_id == case.id)
                             .order_by(SettlementAgreement.version.desc()))


def create_agreement(case: Case, terms: SettlementTerms, *, source: str, actor) -> SettlementAgreement:
    """Render the agreement for `terms`, keep its PDF, record it awaiting signatures; flushes.

    Refuses (DomainError) when the case is not in negotiation, conciliation or arbitration, or
    already has an agreement awaiting signatures or signed."""
    if not isinstance(terms, SettlementTerms) or not terms.instalments:
        raise DomainError("The settlement terms are missing.")
    source = (source or "").strip()
    if not source or len(source) > 40:
        raise DomainError("Say where the settlement terms came from.")
    # Lock the case so two acceptances at once cannot both create an agreement.
    db.session.flush()
    db.session.refresh(case, with_for_update={"key_share": True})
    if case.status not in SETTLEABLE:
        raise DomainError(gettext("A settlement agreement can be made only while the parties negotiate, "
                                  "conciliate or arbitrate."))
    if live_agreement(case) is not None:
        raise DomainError(gettext("This case already has a settlement agreement."))
    version = (db.session.scalar(select(func.max(SettlementAgreement.version))
                                 .where(SettlementAgreement.case_id == case.id)) or 0) + 1
    neutral_required = case.neutral_id is not None
    pdf = settlement_pdf.render(case, terms, version=version, neutral_required=neutral_required)
    sha = store_pdf(pdf)
    agreement = SettlementAgreement(case_id=case.id, version=version, source=source,
                                    terms_json=terms.to_json(), total=terms.total,
                                    neutral_required=neutral_required, unsigned_pdf_sha256=sha,
                                    created_by_id=getattr(actor, "id", None))
    db.session.add(agreement)
    db.session.flush()
    lifecycle.begin(AGREEMENT, agreement, AgreementStatus.AWAITING_SIGNATURES, actor, action="created",
                    case=case, payload={
        "agreement_id": agreement.id, "version": version, "source": source, "total": terms.total,
        "instalments": len(terms.instalments), "neutral_required": neutral_required, "sha256": sha})
    return agreement


def required_sides(agreement: SettlementAgreement) -> tuple[SignerSide, ...]:
    """Who must agree, in order: both parties, then the neutral (who authenticates last)."""
    sides = (SignerSide.CREDITOR, SignerSide.DEBTOR)
    return sides + (SignerSide.NEUTRAL,) if agreement.neutral_required else sides


def missing_sides(agreement: SettlementAgreement) -> list[SignerSide]:
    done = {s.side for s in agreement.signatures}
    return [side for side in required_sides(agreement) if side not in done]


def cancel(agreement: SettlementAgreement, actor, reason: str) -> None:
    """Withdraw an agreement not yet complete (terms changed); a new one can then be made. One signed
    already is refused by the table (`AGREEMENT`: cancelled only from awaiting signatures), in the
    reader's language."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DomainError(gettext("Say briefly why the agreement is cancelled."))
    lifecycle.fire(AGREEMENT, agreement, "cancelled", actor, payload={
        "agreement_id": agreement.id, "version": agreement.version, "reason": reason[:500]})


def complete_if_ready(agreement: SettlementAgreement) -> bool:
    """Once every required side has agreed: final PDF, sealed and stored; the case settled; the
    instalments scheduled. Returns whether it completed now. Fired as the system (the settlement
    is the parties' joint act, not one user's)."""
    from arbitration.settlement import instalments

    if agreement.status != AgreementStatus.AWAITING_SIGNATURES or missing_sides(agreement):
        return False
    case = agreement.case
    demo = platform_seal.is_demo_seal()
    order = {side: i for i, side in enumerate(required_sides(agreement))}
    signatures = sorted(agreement.signatures, key=lambda s: order[s.side])
    pdf = settlement_pdf.render(case, agreement.terms, version=agreement.version,
                                neutral_required=agreement.neutral_required, signatures=signatures,
                                unsigned_sha256=agreement.unsigned_pdf_sha256, seal_demo=demo)
    sealed, _ = platform_seal.seal(pdf, reason=f"Settlement agreement {case.reference} "
                                               f"version {agreement.version}")
    sha = store_pdf(sealed)
    fire(case, "settle", None, payload={"agreement_id": agreement.id, "sha256": sha})
    rows = instalments.create_rows(agreement)
    # The caller holds the agreement's row lock (signing._locked): no second lock here.
    lifecycle.fire(AGREEMENT, agreement, "signed", None, lock=False, changes={
        "final_pdf_sha256": sha, "completed_at": utcnow()}, payload={
        "agreement_id": agreement.id, "version": agreement.version, "final_sha256": sha,
        "unsigned_sha256": agreement.unsigned_pdf_sha256, "demo_seal": demo, "instalments": len(rows),
        "methods": {s.side.value: s.method.value for s in signatures}})
    # The debtor is served its copy through the dispatch pipeline, so its receipt is proven.
    serving.serve_on_debtor(agreement)
    # Money paid while the signatures were awaited counts: it may already cover everything.
    instalments.reevaluate(case, today_ist())
    return True
