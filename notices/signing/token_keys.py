"""An advocate's DSC on a PKCS#11 token or HSM attached to the signing server (config PKCS11_MODULE):
recording which token and key it is, and opening it with the PIN the advocate types at each signature.

Only the labels are kept on the profile. The PIN is never stored: it travels with one request to the
token (which counts wrong PINs and locks itself), and the worker keeps only a keyed hash of it to
reuse its logged-in session (portal/adapters/esign/tokens.py).
"""
from __future__ import annotations

from collections.abc import Mapping

from portal import audit
from portal.accounts import User
from portal.adapters import Pkcs11Key, SigningError
from portal.errors import DomainError

TOKEN_LABEL_MAX = 32  # bytes: CK_TOKEN_INFO.label is a fixed 32-byte field
KEY_LABEL_MAX = 100
PIN_MAX = 64


def uses_token(advocate: User) -> bool:
    profile = advocate.advocate_profile
    return bool(profile and profile.signing_token_label)


def check_labels(token_label: str, key_label: str) -> None:
    """Refuse what cannot be a PKCS#11 label (the form checks lengths; this is the rule itself)."""
    if not token_label or len(token_label.encode()) > TOKEN_LABEL_MAX:
        raise DomainError(f"Give the token's label as its software shows it (at most {TOKEN_LABEL_MAX} "
                          "bytes).")
    if not key_label or len(key_label) > KEY_LABEL_MAX:
        raise DomainError(f"Give the key's label as its software shows it (at most {KEY_LABEL_MAX} "
                          "characters).")
    if any(not ch.isprintable() for ch in token_label + key_label):
        raise DomainError("A label cannot contain control characters.")


def check_pin(pin: str | None) -> str:
    if not pin:
        raise DomainError("Type the PIN of your token to sign with the key on it.")
    if len(pin) > PIN_MAX or not pin.isprintable():
        raise DomainError("That is not a PIN your token can take.")
    return pin


def token_key(config: Mapping, advocate: User, pin: str | None) -> Pkcs11Key:
    """The advocate's key on the token recorded on their profile, to be opened with `pin`."""
    profile = advocate.advocate_profile
    if profile is None or not profile.signing_token_label or not profile.signing_key_label:
        raise DomainError("Record the token that holds your key before signing with it.")
    pin = check_pin(pin)
    try:
        return Pkcs11Key.from_config(config, token_label=profile.signing_token_label,
                                     key_label=profile.signing_key_label, pin=pin)
    except SigningError as exc:
        raise DomainError(str(exc)) from exc


def record_token(actor: User, config: Mapping, token_label: str, key_label: str, pin: str | None) -> str:
    """Open the key with the PIN (so a wrong label or PIN shows now, not at the first notice), then
    keep the labels on the profile in place of any PKCS#12 on file; returns the certificate's subject."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    profile = actor.advocate_profile
    if profile is None:
        raise DomainError("Complete your advocate profile first.")
    token_label, key_label = token_label.strip(), key_label.strip()
    check_labels(token_label, key_label)
    try:
        key = Pkcs11Key.from_config(config, token_label=token_label, key_label=key_label, pin=check_pin(pin))
        cert, demo = key.sign_with(lambda opened: (
            x509.load_der_x509_certificate(opened.signer.signing_cert.dump()), opened.demo))
    except SigningError as exc:
        raise DomainError(str(exc)) from exc
    # One signing key on file: the token now, so a PKCS#12 left behind could not sign by surprise.
    profile.signing_token_label, profile.signing_key_label = token_label, key_label
    profile.signing_pkcs12 = profile.signing_passphrase = None
    subject = cert.subject.rfc4514_string()
    audit.record("advocate.token_recorded", actor=actor, payload={
        "token_label": token_label, "key_label": key_label, "subject": subject,
        "sha256_fingerprint": cert.fingerprint(hashes.SHA256()).hex(), "demo": demo,
        "not_after": cert.not_valid_after_utc.isoformat()})
    return subject
