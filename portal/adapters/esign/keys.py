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

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign import attributes, signers
from pyhanko.sign.general import as_signing_certificate_v2, get_pyca_cryptography_hash, simple_cms_attribute

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


class _SigningCertificateAttribute(attributes.CMSAttributeProvider):
    """The signing-certificate-v2 attribute, built once from the certificate and handed out parsed
    from its DER bytes: asn1crypto re-encodes a freshly built one (the issuer's name, the hash
    algorithm) every time the signed attributes are assembled and dumped, ~8 ms of a ~10 ms CMS
    signature; a parsed value dumps its own bytes."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, cert) -> None:
        self.der = simple_cms_attribute(self.attribute_type, as_signing_certificate_v2(cert)).dump()

    async def get_attribute(self, dry_run: bool = False) -> cms.CMSAttribute:
        return cms.CMSAttribute.load(self.der)  # a fresh object: nothing can alter the kept one


class _KeptSigningCertificate(attributes.SignedAttributeProviderSpec):
    """pyHanko's own choice of signed attributes for the signature at hand (PAdES, CAdES or plain
    CMS; signing time, content timestamp), with the signer's signing-certificate-v2 taken ready."""

    def __init__(self, chosen: attributes.SignedAttributeProviderSpec, kept: _SigningCertificateAttribute,
                 cert) -> None:
        self.chosen, self.kept, self.cert = chosen, kept, cert

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str):
        for provider in self.chosen.signed_attr_providers(data_digest=data_digest,
                                                          digest_algorithm=digest_algorithm):
            if (isinstance(provider, attributes.SigningCertificateV2Provider)
                    and provider.signing_cert is self.cert):
                yield self.kept
            else:
                yield provider


class CachedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses (and re-validates) the private key on every signature,
    about 35 ms for RSA-2048, and rebuilds the signing-certificate attribute from the certificate;
    this keeps both for the worker's lifetime. The signature's bytes are the same as SimpleSigner's
    (tests/esign/test_pades.py)."""

    def __init__(self, loaded: signers.SimpleSigner) -> None:
        super().__init__(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                         cert_registry=loaded.cert_registry,
                         signature_mechanism=loaded.signature_mechanism)
        self._pyca_key = serialization.load_der_private_key(loaded.signing_key.dump(), password=None)
        self._certificate_attribute = _SigningCertificateAttribute(self.signing_cert)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._pyca_key, rsa.RSAPrivateKey):
            return self._pyca_key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)  # other mechanisms: pyHanko's own path

    def _signed_attr_provider_spec(self, *args, **kwargs) -> attributes.SignedAttributeProviderSpec:
        # pyHanko's hook (pinned in uv.lock); a change of its signature shows in the byte-for-byte test.
        return _KeptSigningCertificate(super()._signed_attr_provider_spec(*args, **kwargs),
                                       self._certificate_attribute, self.signing_cert)


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
