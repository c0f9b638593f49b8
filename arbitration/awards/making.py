"""Making the award: the acting arbitrator drafts it (pre-filled from the case and its arbitration
agreement), edits it, finalises it only when every s.31 element is there (arbitration/awards/rules.py),
then signs the finalised PDF with its own DSC (PAdES). Signing makes the award (IN_ARBITRATION ->
AWARDED) and serves it (arbitration/awards/serving.py). A consent award (s.30) records a signed
settlement reached during the arbitration and needs no reasons."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from arbitration.awards import rules as award_rules
from arbitration.awards.models import Award, AwardStatus, CostsBorneBy, PostInterestBasis
from arbitration.awards.states import AWARD
from arbitration.proceedings import conduct, neutral_keys
from arbitration.proceedings.language import proceedings_language, template_for
from arbitration.settlement.models import AgreementStatus, SettlementAgreement
from arbitration.tribunal import conflicts
from evidence import store, store_pdf
from notices import sign_now
from portal import audit, lifecycle
from portal.adapters import PadesProvider, Signer, SigningProvider, SignRequest
from portal.cases import Case, CaseStatus, fire, today_ist
from portal.errors import DomainError
from portal.extensions import db
from portal.pdf import render_pdf
from portal.types import to_ist, utcnow

MAX_REASONS_CHARS = 100_000


@dataclass
class AwardFields:
    """The draft's editable fields, already parsed (the form checks types; the rules check presence)."""

    reasons: str = ""
    award_date: date | None = None
    seat: str = ""
    claimant: str = ""
    respondent: str = ""
    agreement: str = ""
    principal: Decimal | None = None
    pre_rate: Decimal | None = None
    pre_from: date | None = None
    pre_to: date | None = None
    pre_amount: Decimal | None = None
    post_basis: PostInterestBasis | None = None
    post_current_rate: Decimal | None = None
    post_directed_rate: Decimal | None = None
    costs: Decimal | None = None
    costs_borne_by: CostsBorneBy | None = None


def may_record_settlement(case: Case, user) -> bool:
    """s.30: once the parties settled during the arbitration (the case is SETTLED, so the tribunal's
    `may_act` no longer holds), the arbitrator who stood accepted and disclosed records the award."""
    from arbitration.tribunal.appointments import current_appointment

    if case.status != CaseStatus.SETTLED or getattr(user, "id", None) is None or case.neutral_id != user.id:
        return False
    appointment = current_appointment(case)
    return (appointment is not None and appointment.neutral_id == user.id
            and appointment.disclosure_filed_at is not None)


def award_for(case: Case) -> Award | None:
    return db.session.scalar(select(Award).where(Award.case_id == case.id))


def signed_settlement(case: Case) -> SettlementAgreement | None:
    return db.session.scalar(select(SettlementAgreement).where(
        SettlementAgreement.case_id == case.id, SettlementAgreement.status == AgreementStatus.SIGNED)
        .order_by(SettlementAgreement.version.desc()))


def _agreement_relied_on(case: Case) -> str:
    basis = getattr(case, "arbitration_basis", None)
    if basis is None:
        return ""
    if basis.kind.value == "clause":
        where = f" (page {basis.page})" if basis.page else ""
        quoted = f": “{basis.clause_text.strip()}”" if (basis.clause_text or "").strip() else ""
        name = basis.document.original_filename if basis.document is not None else "the agreement"
        return f"The arbitration clause in {name}{where}{quoted}"
    if basis.kind.value == "submission_agreement":
        return "The submission agreement signed online by both parties through Sulah"
    return ""


def start(actor, case: Case, *, consent: bool = False) -> Award:
    """Open the draft (one award per case), pre-filled with what the case already says."""
    if award_for(case) is not None:
        raise DomainError("This case already has an award.")
    settlement = None
    if consent:
        settlement = signed_settlement(case)
        if case.status != CaseStatus.SETTLED or settlement is None or case.neutral_id is None:
            raise DomainError("An award on agreed terms records a settlement signed during the arbitration.")
    elif case.status != CaseStatus.IN_ARBITRATION:
        raise DomainError("The award is made while the arbitration is running.")
    basis = getattr(case, "arbitration_basis", None)
    award = Award(case_id=case.id, consent=consent, settlement_id=settlement.id if settlement else None,
                  claimant=case.creditor.legal_name, respondent=case.debtor.legal_name,
                  agreement=_agreement_relied_on(case), seat=basis.seat if basis is not None else "",
                  principal=settlement.total if settlement else None, drafted_by_id=actor.id,
                  reasons="", challenge_note="", closing_note="", court_extension_days=0)
    lifecycle.begin(AWARD, award, AwardStatus.DRAFT, actor, action="drafted", case=case,
                    payload={"consent": consent})
    return award


def update(actor, award: Award, values: AwardFields) -> None:
    if award.status != AwardStatus.DRAFT:
        raise DomainError("Only a draft award can be changed.")
    if len(values.reasons or "") > MAX_REASONS_CHARS:
        raise DomainError(f"The reasons are limited to {MAX_REASONS_CHARS:,} characters.")
    _check_award_date(award, values.award_date)
    for name in ("reasons", "award_date", "seat", "claimant", "respondent", "agreement", "principal",
                 "pre_rate", "pre_from", "pre_to", "pre_amount", "post_basis", "post_current_rate",
                 "costs", "costs_borne_by"):
        value = getattr(values, name)
        # Only free text is stripped: the choices are StrEnums, which .strip() would turn into str.
        setattr(award, name, value.strip() if type(value) is str else value)
    basis = values.post_basis.value if values.post_basis else None
    award.post_rate = award_rules.post_award_rate(basis, values.post_directed_rate, values.post_current_rate)
    if basis == "directed":
        award.post_current_rate = None  # the directed rate replaces the statutory default
    audit.record("award.updated", actor=actor, case=award.case, payload={
        "award_id": award.id, "fields": [f.name for f in fields(values)]})
    db.session.flush()


def _check_award_date(award: Award, award_date: date | None) -> None:
    """The award is dated the day it is signed (A&C s.31(4): it states its date; s.29A counts to it):
    never a future day, never before the case began."""
    if award_date is None:
        return
    today = today_ist()
    if award_date > today:
        raise DomainError("The award cannot be dated in the future: date it the day you sign it.")
    began = to_ist(award.case.created_at).date()
    if award_date < began:
        raise DomainError(f"The award cannot be dated before the case began ({began:%d %b %Y}).")


def render(award: Award) -> bytes:
    case = award.case
    paragraphs = [p.strip() for p in award.reasons.replace("\r\n", "\n").split("\n\n") if p.strip()]
    settlement = db.session.get(SettlementAgreement, award.settlement_id) if award.settlement_id else None
    # The frame in the language of the proceedings; the agreement and reasons as the arbitrator wrote them.
    return render_pdf(template_for("award", proceedings_language(case)), award=award, case=case,
                      arbitrator=award.drafted_by, paragraphs=paragraphs, settlement=settlement)


def finalise(actor, award: Award) -> str:
    """Fix the award's text as a PDF; refused, naming what is missing, when an s.31 element is absent."""
    if award.status != AwardStatus.DRAFT:
        raise DomainError("The award is already finalised.")
    reason = award_rules.refusal(award)
    if reason:
        raise DomainError(reason)
    sha = store_pdf(render(award))
    lifecycle.fire(AWARD, award, "finalised", actor,
                   changes={"unsigned_pdf_sha256": sha, "finalised_at": utcnow()},
                   payload={"award_id": award.id, "sha256": sha})
    return sha


def reopen(actor, award: Award) -> None:
    """Back to the draft before signing, e.g. to correct a figure seen in the PDF."""
    if award.status != AwardStatus.FINALISED:
        raise DomainError("Only a finalised, unsigned award can go back to the draft.")
    lifecycle.fire(AWARD, award, "reopened", actor,
                   changes={"unsigned_pdf_sha256": None, "finalised_at": None},
                   payload={"award_id": award.id})


def read_pdf(sha256: str) -> bytes:
    with store().open(sha256) as fh:
        return fh.read()


def sign(actor, award: Award, provider: SigningProvider | None = None) -> str:
    """Sign the finalised PDF as the arbitrator, make the award and serve it on each party."""
    from arbitration.awards import serving as award_service

    if award.status != AwardStatus.FINALISED:
        raise DomainError("Finalise the award before signing it.")
    case = award.case
    if award.consent and case.status != CaseStatus.SETTLED:
        raise DomainError("The settlement this award records is no longer in force.")
    if not award.consent and case.status != CaseStatus.IN_ARBITRATION:
        raise DomainError("The arbitration is not running.")
    # Due process and the mandate (A&C s.18, s.23-s.25, s.29A): no award while the pleadings are open,
    # before the respondent's time for its defence ran (or its default was recorded under s.25), or
    # after the mandate lapsed without a court's extension. An award on agreed terms (s.30) records
    # the parties' own settlement and is not held back by the pleadings.
    refusal = None if award.consent else conduct.mandate_refusal(case, today_ist())
    if refusal:
        raise DomainError(refusal)
    conflicts.check(case, actor)  # s.12(5): the Seventh Schedule check again, parties and counsel
    if award.award_date != today_ist():
        raise DomainError(f"The award is dated {award.award_date:%d %b %Y} but would be signed today "
                          f"({today_ist():%d %b %Y}): reopen it, date it today and finalise it again.")
    provider = provider or PadesProvider(neutral_keys.key_material(actor))
    title = "Award on agreed terms" if award.consent else "Arbitral award"
    request = SignRequest(document_id=f"award-{case.reference}", pdf=read_pdf(award.unsigned_pdf_sha256),
                          signer=Signer(actor.name, actor.email, actor.id, "Sole arbitrator"),
                          reason=f"{title} in arbitration {case.reference} (A&C Act s.31)")
    sha = store_pdf(sign_now(provider, request, "The award was not signed.").signed_pdf)
    payload = {"award_id": award.id, "sha256": sha, "provider": provider.name, "consent": award.consent}
    lifecycle.fire(AWARD, award, "signed", actor, changes={"signed_pdf_sha256": sha, "signed_at": utcnow()},
                   payload=payload)
    if not award.consent:  # on agreed terms the case stays settled: its instalments still run
        fire(case, "make_award", actor, payload=payload)
    award_service.serve(actor, award)
    return sha


def signed_on_ist(award: Award) -> str:
    return to_ist(award.signed_at).strftime("%d %b %Y") if award.signed_at else ""
