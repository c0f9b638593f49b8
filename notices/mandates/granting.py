"""Signed mandates (IT Act s.11): the creditor's administrator accepts the mandate PDF with a fresh
code, the platform seals it, the advocate countersigns it with its DSC; only then is it in force and
may the advocate approve and sign the creditor's notices. Services flush and never commit."""
from __future__ import annotations

import functools

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from evidence import store, store_pdf
from notices.mandates.models import Mandate
from notices.mandates.states import MANDATE, MandateStatus
from portal import audit, lifecycle
from portal import seal as platform_seal
from portal.accounts import Engagement, User, check_totp
from portal.adapters import PadesProvider, Signer, SigningProvider, SignRequest, make_demo_pkcs12
from portal.errors import DomainError
from portal.extensions import db
from portal.onetime_codes import CodeError, issue_and_send, verify
from portal.pdf import render_pdf
from portal.types import utcnow

PURPOSE = "mandate_acceptance"
TOTP_METHOD = "accepted online with the administrator's authentication-app code"
EMAIL_METHOD = "accepted online with a one-time code sent to the administrator's e-mail"
SEED_METHOD = "accepted in one step (demonstration or test data)"


def current(org_id: int, advocate_id: int) -> Mandate | None:
    """The organisation's live mandate for the advocate, whatever step it has reached."""
    return db.session.scalar(select(Mandate).where(
        Mandate.org_id == org_id, Mandate.advocate_id == advocate_id, Mandate.revoked_at.is_(None))
        .order_by(Mandate.id.desc()).limit(1))


def current_each(org_id: int, advocate_ids: list[int]) -> dict[int, Mandate | None]:
    """`current` for each of these advocates (by id), in one statement."""
    found: dict[int, Mandate | None] = dict.fromkeys(advocate_ids)
    if advocate_ids:
        for mandate in db.session.scalars(select(Mandate).where(
                Mandate.org_id == org_id, Mandate.advocate_id.in_(advocate_ids), Mandate.revoked_at.is_(None))
                .order_by(Mandate.id)):
            found[mandate.advocate_id] = mandate  # the newest wins, as in `current`
    return found


def in_force(org_id: int, advocate_id: int) -> Mandate | None:
    mandate = current(org_id, advocate_id)
    return mandate if mandate is not None and mandate.in_force else None


def missing_step(org_id: int, advocate_id: int) -> str | None:
    """Why the advocate may not yet act for the organisation (None: the mandate is in force)."""
    mandate = current(org_id, advocate_id)
    if mandate is None:
        return ("The creditor's administrator has not yet accepted the mandate to send notices on its "
                "behalf (Team page); it must do so, and you must then countersign it, before you approve.")
    if not mandate.in_force:
        return ("The creditor has accepted the mandate, but you have not yet countersigned it with your "
                "digital signature certificate (Mandates page); sign it before you approve.")
    return None


def for_advocate(advocate: User) -> list[Mandate]:
    return list(db.session.scalars(select(Mandate).where(
        Mandate.advocate_id == advocate.id, Mandate.revoked_at.is_(None))
        .options(joinedload(Mandate.organization)).order_by(Mandate.id)))


def uses_totp(actor: User) -> bool:
    return bool(actor.totp_enabled and actor.totp_secret)


def _subject(org_id: int, advocate_id: int) -> str:
    return f"mandate:{org_id}:{advocate_id}"


def _check_can_accept(actor: User, advocate: User) -> None:
    if actor.org_id is None or not actor.is_org_admin:
        raise DomainError("Only your organisation's administrator accepts a mandate.")
    engaged = db.session.scalar(select(Engagement).where(Engagement.org_id == actor.org_id,
                                                         Engagement.advocate_id == advocate.id))
    if engaged is None:
        raise DomainError("That advocate is not engaged by your organisation.")
    if current(actor.org_id, advocate.id) is not None:
        raise DomainError("Your organisation has already accepted a mandate for this advocate.")


def send_code(actor: User, advocate: User, ip: str):
    """E-mail the administrator a one-time code to accept the mandate (for one without an
    authentication app). CodeError when throttled."""
    _check_can_accept(actor, advocate)
    return issue_and_send(PURPOSE, _subject(actor.org_id, advocate.id), "email", actor.email, ip=ip,
                          what=f"accept the mandate for {advocate.name} to send notices")


def accept(actor: User, advocate: User, code: str, ip: str) -> Mandate:
    """The administrator accepts the mandate with its authentication-app code (or, without one, the
    code e-mailed by send_code): the PDF is rendered, sealed and stored; the advocate's step remains.
    CodeError for a wrong or expired code (nothing is stored; the caller commits so the try counts)."""
    _check_can_accept(actor, advocate)
    if uses_totp(actor):
        if not check_totp(actor, code):
            raise CodeError("That authentication code is not valid or was already used.")
        method, detail = TOTP_METHOD, {}
    else:
        row = verify(PURPOSE, _subject(actor.org_id, advocate.id), code, ip=ip)
        method, detail = EMAIL_METHOD, {"code_id": row.id, "to": row.masked_destination}
    return _accept(actor, advocate, ip, method, detail)


def _accept(actor: User, advocate: User, ip: str, method: str, detail: dict) -> Mandate:
    now = utcnow()
    org = actor.organization
    text = render_template("notices/mandate.txt", org=org, advocate=advocate, signer=actor, on=now)
    mandate = Mandate(org_id=org.id, advocate_id=advocate.id, text=text, sha256="0" * 64,
                      signed_by_id=actor.id, signed_at=now, accepted_at=now, accepted_ip=ip[:45],
                      method=method)
    # Its creation is audited below as mandate.accepted, once the sealed PDF's hashes are known.
    lifecycle.begin(MANDATE, mandate, MandateStatus.AWAITING_ADVOCATE, actor, action=None)
    db.session.flush()
    pdf = render_pdf("pdf/mandate.html", org=org, advocate=advocate, profile=advocate.advocate_profile,
                     acceptor=actor, accepted_at=now, method=method, ip=ip, number=mandate.id,
                     seal_demo=platform_seal.is_demo_seal())
    mandate.sha256 = store_pdf(pdf)
    sealed, demo = platform_seal.seal(pdf, reason=f"Mandate {mandate.id} of {org.legal_name} accepted")
    mandate.sealed_pdf_sha256 = store_pdf(sealed)
    audit.record("mandate.accepted", actor=actor, payload={
        "mandate_id": mandate.id, "org_id": org.id, "advocate_id": advocate.id, "method": method,
        "ip": ip[:45], "sha256": mandate.sha256, "sealed_sha256": mandate.sealed_pdf_sha256,
        "demo_seal": demo} | detail)
    return mandate


def countersign(actor: User, mandate: Mandate, provider: SigningProvider | None = None, *,
                pin: str | None = None) -> Mandate:
    """The advocate signs the sealed mandate with its DSC (PAdES, after the seal): now in force."""
    from notices.signing.signatures import advocate_key_material, sign_now

    if mandate.advocate_id != actor.id:
        raise DomainError("Only the advocate named in the mandate signs it.")
    if mandate.revoked_at is not None or mandate.status not in MANDATE.sources("countersigned"):
        raise DomainError("This mandate is not waiting for your signature.")
    provider = provider or PadesProvider(advocate_key_material(actor, pin))
    profile = actor.advocate_profile
    capacity = (f"Advocate, {profile.bar_council_state} ({profile.enrolment_number})"
                if profile else "Advocate")
    request = SignRequest(document_id=f"mandate-{mandate.id}", pdf=read_pdf(mandate.sealed_pdf_sha256),
                          signer=Signer(actor.name, actor.email, actor.id, capacity),
                          reason=f"Mandate of {mandate.organization.legal_name} to issue and send notices")
    signed = sign_now(provider, request, "The signature was not completed.").signed_pdf
    signed_sha = store_pdf(signed)
    lifecycle.fire(MANDATE, mandate, "countersigned", actor, changes={
        "signed_pdf_sha256": signed_sha, "advocate_signed_at": utcnow()}, payload={
        "mandate_id": mandate.id, "org_id": mandate.org_id, "sealed_sha256": mandate.sealed_pdf_sha256,
        "sha256": signed_sha, "provider": provider.name})
    return mandate


def revoke(actor: User, mandate: Mandate, reason: str) -> Mandate:
    """The organisation withdraws its authority (IT Act s.11: from now on nothing is sent in its name
    through this advocate). Asked first, with a reason kept in the audit trail (issue 16, item 7).
    Notices already served stay served; the advocate approves no further notice for the organisation
    until a new mandate is in force."""
    db.session.flush()
    db.session.refresh(mandate, with_for_update={"key_share": True})  # two revocations: one wins
    if mandate.org_id != actor.org_id:
        raise DomainError("Only the organisation that gave the mandate revokes it.")
    if mandate.revoked_at is not None:
        raise DomainError("This mandate was already revoked.")
    mandate.revoked_at = utcnow()
    audit.record("mandate.revoked", actor=actor, payload={
        "mandate_id": mandate.id, "org_id": mandate.org_id, "advocate_id": mandate.advocate_id,
        "status": mandate.status.value, "reason": reason})
    return mandate


def grant(actor: User, advocate: User) -> Mandate:
    """Accept and countersign in one go, for seeds and tests: the same sealed, DSC-signed PDF as the
    two-step flow. The advocate's PKCS#12 signs if it has one; otherwise, in development and tests
    only, a demonstration certificate in its name (the signature says so visibly)."""
    existing = in_force(actor.org_id, advocate.id)
    if existing is not None:
        return existing
    mandate = current(actor.org_id, advocate.id) or _accept(actor, advocate, "", SEED_METHOD, {})
    return countersign(advocate, mandate, _seed_provider(advocate))


def _seed_provider(advocate: User) -> SigningProvider:
    from portal.adapters import PadesProvider

    profile = advocate.advocate_profile
    if profile is not None and profile.signing_pkcs12 is not None:
        return PadesProvider(lambda signer: (profile.signing_pkcs12,
                                             (profile.signing_passphrase or "").encode()))
    cfg = current_app.config
    if not (cfg.get("TESTING") or cfg.get("DEVELOPMENT")):
        raise DomainError("The advocate must countersign the mandate with its own digital signature "
                          "certificate.")
    return PadesProvider(lambda signer: (_demo_pkcs12(advocate.name), b"demo"))


@functools.cache
def _demo_pkcs12(name: str) -> bytes:  # RSA generation is slow: one per name per process

    return make_demo_pkcs12(name, b"demo")


def read_pdf(sha256: str) -> bytes:
    with store().open(sha256) as fh:
        return fh.read()
