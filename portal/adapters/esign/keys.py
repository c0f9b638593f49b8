"""Where the key of a PAdES signature comes from: a KeySource opens it once per worker and lends it to
the signing code. This module has the PKCS#12 source (a DSC export the platform holds encrypted);
tokens.py has the PKCS#11 one (the advocate's USB token or an HSM).
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign import signers
from pyhanko.sign.general import get_pyca_cryptography_hash

from portal.adapters.esign.base import SigningError
from portal.adapters.esign.democert import is_demo
from portal.types import utcnow

T = TypeVar("T")


@dataclass(frozen=True)
class OpenKey:
    signer: signers.Signer
    demo: bool  # a self-signed demonstration certificate: the stamp must say so (IT Act s.3A)
    cert: x509.Certificate  # checked at each signature: a worker outlives a certificate's validity


class KeySource(Protocol):
    def sign_with(self, use: Callable[[OpenKey], T]) -> T:
        """Call `use` with the opened key (and hold it while `use` runs); SigningError, safe to show,
        if the key cannot be opened or used."""
        ...


def check_in_date(cert: x509.Certificate) -> None:
    now = utcnow()
    if not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc):
        raise SigningError(f"The signing certificate is not valid now (valid "
                           f"{cert.not_valid_before_utc:%d %b %Y} to {cert.not_valid_after_utc:%d %b %Y}).")


class CachedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses (and re-validates) the private key on every signature,
    about 35 ms for RSA-2048; this keeps the parsed key for the worker's lifetime."""

    def __init__(self, loaded: signers.SimpleSigner) -> None:
        super().__init__(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                         cert_registry=loaded.cert_registry,
                         signature_mechanism=loaded.signature_mechanism)
        self._pyca_key = serialization.load_der_private_key(loaded.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._pyca_key, rsa.RSAPrivateKey):
            return self._pyca_key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)  # other mechanisms: pyHanko's own path


@functools.lru_cache(maxsize=64)
def _load(pkcs12_digest: str, pkcs12: bytes, passphrase: bytes) -> tuple[signers.SimpleSigner, bool]:
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=None, passphrase=passphrase)
    except Exception as exc:  # cryptography raises ValueError for a wrong passphrase or bad data
        raise SigningError("The signing certificate could not be opened: wrong passphrase or a "
                           "damaged PKCS#12 file.") from exc
    if signer is None:
        raise SigningError("The PKCS#12 file holds no key and certificate.")
    signer = CachedKeySigner(signer)
    cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
    check_in_date(cert)
    return signer, is_demo(cert)


def load_signer(pkcs12: bytes, passphrase: bytes) -> tuple[signers.SimpleSigner, bool]:
    return _load(hashlib.sha256(pkcs12).hexdigest(), pkcs12, passphrase)


@dataclass(frozen=True)
class Pkcs12Key:
    """A DSC exported as PKCS#12 (kept encrypted on the advocate's profile)."""

    pkcs12: bytes = field(repr=False)
    passphrase: bytes = field(repr=False)

    def sign_with(self, use: Callable[[OpenKey], T]) -> T:
        signer, demo = load_signer(self.pkcs12, self.passphrase)
        return use(OpenKey(signer, demo, x509.load_der_x509_certificate(signer.signing_cert.dump())))
