"""The arbitrator's signing key: a neutral uploads a DSC as PKCS#12 (kept encrypted, as an advocate's),
and procedural orders and the award are signed with it (PAdES, portal/adapters/esign/pades.py)."""
from __future__ import annotations

from arbitration.proceedings.models import NeutralSigningKey
from portal import audit
from portal.accounts import Role, User
from portal.adapters import SigningError, load_signer
from portal.errors import DomainError
from portal.extensions import db

MAX_PKCS12_BYTES = 64 * 1024


def key_of(user: User) -> NeutralSigningKey | None:
    if user.id is None or user.role != Role.NEUTRAL:
        return None
    return db.session.get(NeutralSigningKey, user.id)


def key_material(user: User):
    """What PadesProvider takes to sign as this neutral; DomainError when no key is on file."""
    key = key_of(user)
    if key is None:
        raise DomainError("Upload your digital signature certificate (PKCS#12) before signing.")
    pkcs12, passphrase = key.pkcs12, key.passphrase.encode()
    return lambda signer: (pkcs12, passphrase)


def install(neutral: User, pkcs12: bytes, passphrase: str) -> str:
    """Check the PKCS#12 opens and is in date, then keep it (replacing any earlier one): its subject."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes


    if neutral.role != Role.NEUTRAL:
        raise DomainError("Only a neutral keeps a signing key here.")
    if not pkcs12 or len(pkcs12) > MAX_PKCS12_BYTES:
        raise DomainError("That is not a PKCS#12 certificate file (it is empty or too large).")
    try:
        signer, demo = load_signer(pkcs12, passphrase.encode())
    except SigningError as exc:
        raise DomainError(str(exc)) from exc
    cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
    subject = cert.subject.rfc4514_string()[:500]
    key = key_of(neutral) or NeutralSigningKey(user_id=neutral.id)
    key.pkcs12, key.passphrase, key.subject = pkcs12, passphrase, subject
    db.session.add(key)
    db.session.flush()
    audit.record("neutral.certificate_installed", actor=neutral, payload={
        "subject": subject, "sha256_fingerprint": cert.fingerprint(hashes.SHA256()).hex(),
        "demo": demo, "not_after": cert.not_valid_after_utc.isoformat()})
    return subject
