"""Recording the basis of an arbitration (A&C s.7): the clause the creditor points to in its
evidence, a submission agreement both parties accept online by one-time code (then sealed by the
platform), or, for MSMED Act claims, the statutory route to the Facilitation Council (s.18).

Services take the actor, flush and never commit. A basis can be replaced until arbitration is
invoked; after that it is the record the tribunal acts on.
"""
from __future__ import annotations

from flask import render_template

from arbitration.invocation.models import ArbitrationBasis, BasisKind
from arbitration.invocation.states import BASIS, INVOCABLE, BasisStatus
from evidence import find_document, store, store_pdf
from portal import audit, lifecycle
from portal import seal as platform_seal
from portal.accounts import Side, side_of
from portal.cases import Case, ClaimType
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import gettext, lazy_gettext
from portal.onetime_codes import CodeError, issue_and_send, verify
from portal.pdf import html_to_pdf
from portal.types import utcnow

CODE_PURPOSE = "submission_agreement"
CLAUSE_MIN, CLAUSE_MAX = 20, 5000
MAX_PAGE = 5000


def current(case: Case) -> ArbitrationBasis | None:
    return case.arbitration_basis


def read_pdf(sha256: str) -> bytes:
    with store().open(sha256) as fh:
        return fh.read()


def _clear_for_new(actor, case: Case) -> None:
    """Refuse once arbitration is invoked; otherwise drop the previous basis (the ledger keeps it)."""
    if case.status not in INVOCABLE:
        raise DomainError("The basis can be recorded only while the dispute is open and before "
                          "arbitration is invoked.")
    old = current(case)
    if old is None:
        return
    from arbitration.invocation.notice import served_notice

    if served_notice(case) is not None:
        raise DomainError("The signed notice invoking arbitration relies on the agreement on record; "
                          "it can no longer be replaced.")
    audit.record("arbitration.basis_replaced", actor=actor, case=case, payload={
        "basis_id": old.id, "kind": old.kind.value, "status": old.status.value,
        "agreement_sha256": old.agreement_sha256, "sealed_sha256": old.sealed_sha256})
    db.session.delete(old)
    db.session.flush()
    db.session.expire(case, ["arbitration_basis"])


def _clean_seat(seat: str) -> str:
    seat = (seat or "").strip()
    if not 2 <= len(seat) <= 120:
        raise DomainError("Name the seat of arbitration (a city, e.g. New Delhi), up to 120 characters.")
    return seat


def record_clause(actor, case: Case, *, document_id: int, page: int, clause_text: str,
                  seat: str) -> ArbitrationBasis:
    """The arbitration clause of an agreement in the case's evidence: the document, the page, the words."""
    doc = find_document(case, document_id)
    if doc is None or doc.withdrawn_at is not None:
        raise DomainError("Choose a document of this case that has not been withdrawn.")
    if not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        raise DomainError("Give the page number of the clause (1 or more).")
    text = " ".join((clause_text or "").split())
    if not CLAUSE_MIN <= len(text) <= CLAUSE_MAX:
        raise DomainError(f"Quote the clause as written, between {CLAUSE_MIN} and {CLAUSE_MAX} characters.")
    if "arbitra" not in text.lower():
        raise DomainError("The quoted clause does not mention arbitration; quote the arbitration clause.")
    seat = _clean_seat(seat)
    _clear_for_new(actor, case)
    basis = ArbitrationBasis(case=case, kind=BasisKind.CLAUSE, document_id=doc.id, page=page,
                             clause_text=text, seat=seat, recorded_by_id=actor.id)
    lifecycle.begin(BASIS, basis, BasisStatus.IN_FORCE, actor, action="basis_recorded", case=case, payload={
        "kind": BasisKind.CLAUSE.value, "document_id": doc.id,
        "document_sha256": doc.sha256, "page": page, "clause_text": text, "seat": seat})
    return basis


def render_submission_agreement(case: Case, basis: ArbitrationBasis, *, final: bool = False,
                                demo_seal: bool = False) -> bytes:
    html = render_template("pdf/submission_agreement.html", case=case, basis=basis, final=final,
                           demo_seal=demo_seal)
    return html_to_pdf(html)


def propose_submission_agreement(actor, case: Case, *, seat: str) -> ArbitrationBasis:
    """Sulah drafts a post-dispute submission agreement; both parties then accept it by code."""
    seat = _clean_seat(seat)
    _clear_for_new(actor, case)
    basis = ArbitrationBasis(case=case, kind=BasisKind.SUBMISSION_AGREEMENT, seat=seat,
                             recorded_by_id=actor.id)
    # Its creation is audited below, once the drafted agreement's hash is known.
    lifecycle.begin(BASIS, basis, BasisStatus.AWAITING_ACCEPTANCE, actor, action=None)
    db.session.flush()
    basis.agreement_sha256 = store_pdf(render_submission_agreement(case, basis))
    audit.record("arbitration.submission_agreement_proposed", actor=actor, case=case, payload={
        "basis_id": basis.id, "seat": seat, "agreement_sha256": basis.agreement_sha256})
    return basis


def choose_msmed_route(actor, case: Case) -> ArbitrationBasis:
    """The supplier refers the dispute to the Facilitation Council (s.18) instead of arbitrating here."""
    if case.claim_type != ClaimType.MSMED_INVOICE or not case.creditor.msmed_eligible:
        raise DomainError("The MSMED Act route is open only to a micro or small enterprise registered "
                          "on Udyam, for its invoices.")
    _clear_for_new(actor, case)
    basis = ArbitrationBasis(case=case, kind=BasisKind.MSMED_REFERENCE, recorded_by_id=actor.id)
    lifecycle.begin(BASIS, basis, BasisStatus.STATUTORY, actor, action="msmed_route_chosen", case=case)
    return basis


# --- accepting a submission agreement -----------------------------------------------------------

def party_side(actor, case: Case) -> Side:
    side = side_of(actor, case) if getattr(actor, "link_id", None) is None else Side.DEBTOR
    if side not in (Side.CREDITOR, Side.DEBTOR):
        raise DomainError("Only the parties accept a submission agreement.")
    return side


def refusal(basis: ArbitrationBasis | None, side: Side) -> str | None:
    if basis is None or basis.kind != BasisKind.SUBMISSION_AGREEMENT:
        return "This case has no submission agreement to accept."
    if basis.status != BasisStatus.AWAITING_ACCEPTANCE:
        return "The submission agreement is no longer awaiting acceptance."
    accepted = basis.creditor_accepted_at if side == Side.CREDITOR else basis.debtor_accepted_at
    return "Your side has already accepted the submission agreement." if accepted else None


def _check(basis, side: Side) -> None:
    reason = refusal(basis, side)
    if reason:
        raise DomainError(reason)


def code_subject(basis: ArbitrationBasis, side: Side) -> str:
    return f"submission:{basis.id}:{side.value}"


def destinations(basis: ArbitrationBasis, actor):
    """Where this actor's code may go: its own addresses only (the settlement rules, reused)."""
    from arbitration.settlement.signing import destinations as own_destinations

    return own_destinations(basis, actor)


def send_code(basis: ArbitrationBasis, actor, choice: int, ip: str, language: str = "en"):
    """Send the acceptance code to destinations()[choice], to the debtor in its `language` (the
    creditor's side reads English); CodeError when throttled or a bad choice."""
    side = party_side(actor, basis.case)
    _check(basis, side)
    options = destinations(basis, actor)
    if not isinstance(choice, int) or not 0 <= choice < len(options):
        raise CodeError(gettext("Choose where to send the code."), status=400)
    dest = options[choice]
    return issue_and_send(CODE_PURPOSE, code_subject(basis, side), dest.channel, dest.address, ip=ip,
                          case=basis.case, language=language if side == Side.DEBTOR else "en",
                          what=lazy_gettext("accept the submission agreement to arbitrate %(reference)s",
                                            reference=basis.case.reference))


def accept_with_code(basis: ArbitrationBasis, actor, code: str, ip: str) -> bool:
    """Record this side's acceptance if the code is right (CodeError if not; the caller commits
    anyway so the wrong try counts). Returns whether the agreement is now complete and sealed."""
    db.session.flush()
    db.session.refresh(basis, with_for_update=True)  # of two last acceptances at once, one completes it
    side = party_side(actor, basis.case)
    _check(basis, side)
    row = verify(CODE_PURPOSE, code_subject(basis, side), code, ip=ip, case=basis.case)
    detail = f"one-time code to {row.masked_destination}, from {(ip or 'unknown')[:45]}"[:300]
    if side == Side.CREDITOR:
        basis.creditor_accepted_at, basis.creditor_accepted_by_id = utcnow(), actor.id
        basis.creditor_acceptance = detail
    else:
        basis.debtor_accepted_at, basis.debtor_accepted_by_id = utcnow(), actor.id
        basis.debtor_acceptance = detail
    audit.record("arbitration.submission_agreement_accepted", actor=actor, case=basis.case, payload={
        "basis_id": basis.id, "side": side.value, "code_id": row.id, "ip": (ip or "")[:45],
        "agreement_sha256": basis.agreement_sha256,
        "link_id": getattr(actor, "link_id", None)})
    return _complete_if_ready(basis)


def _complete_if_ready(basis: ArbitrationBasis) -> bool:
    if basis.creditor_accepted_at is None or basis.debtor_accepted_at is None:
        return False
    demo = platform_seal.is_demo_seal()
    pdf = render_submission_agreement(basis.case, basis, final=True, demo_seal=demo)
    sealed, _ = platform_seal.seal(pdf, reason=f"Submission agreement {basis.case.reference} accepted "
                                               "by both parties")
    sealed_sha = store_pdf(sealed)
    # accept_with_code holds the basis's row lock: no second lock here.
    lifecycle.fire(BASIS, basis, "submission_agreement_complete", None, case=basis.case, lock=False,
                   changes={"sealed_sha256": sealed_sha}, payload={
                       "basis_id": basis.id, "agreement_sha256": basis.agreement_sha256,
                       "sealed_sha256": sealed_sha, "demo_seal": demo})
    return True
