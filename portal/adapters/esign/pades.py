"""PAdES signatures with the advocate's DSC (PKCS#12), through pyHanko: the default provider.

Each key is loaded once per worker (cached by the PKCS#12's hash) and the signature space is
reserved up front (`bytes_reserved`), so pyHanko does not sign twice to size the placeholder.
"""
from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.stamp import TextStampStyle

from portal.adapters.esign.base import Signer, SigningError, SigningResult, SigningStatus, SignRequest
from portal.adapters.esign.democert import is_demo
from portal.types import IST, utcnow

FIELD_NAME = "AdvocateSignature"
BYTES_RESERVED = 16 * 1024
DEMO_WARNING = "DEMONSTRATION SIGNATURE - NOT A LICENSED CA CERTIFICATE"


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
    now = utcnow()
    if not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc):
        raise SigningError(f"The signing certificate is not valid now (valid "
                           f"{cert.not_valid_before_utc:%d %b %Y} to {cert.not_valid_after_utc:%d %b %Y}).")
    return signer, is_demo(cert)


def load_signer(pkcs12: bytes, passphrase: bytes) -> tuple[signers.SimpleSigner, bool]:
    return _load(hashlib.sha256(pkcs12).hexdigest(), pkcs12, passphrase)


class PadesProvider:
    """Signs at once with key material the platform holds for the signer (stored encrypted)."""

    name = "pades_dsc"

    def __init__(self, key_material: Callable[[Signer], tuple[bytes, bytes]]) -> None:
        self.key_material = key_material

    def sign(self, request: SignRequest) -> SigningResult:
        signer, demo = load_signer(*self.key_material(request.signer))
        stamp = ("Digitally signed by %(signer)s\n%(capacity)s\nDate: %(date_ist)s\nReason: %(reason)s"
                 + ("\n" + DEMO_WARNING if demo else ""))
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
            reason=request.reason, location=request.location, name=request.signer.name)
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, stamp_style=TextStampStyle(stamp_text=stamp),
            new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=(300, 30, 565, 120)))
        params = {"signer": request.signer.name, "capacity": request.signer.capacity or "Advocate",
                  "date_ist": utcnow().astimezone(IST).strftime("%d-%m-%Y %H:%M IST"),
                  "reason": request.reason}
        try:
            out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(request.pdf)),
                                      bytes_reserved=BYTES_RESERVED, appearance_text_params=params)
        except Exception as exc:  # pyHanko raises several types for a damaged or locked file
            raise SigningError("The document could not be signed: it is not a PDF that can take a "
                               "signature.") from exc
        return SigningResult(status=SigningStatus.SIGNED, provider=self.name,
                             provider_ref=request.document_id, signed_pdf=out.getvalue(),
                             detail="demonstration certificate" if demo else "")

    def complete(self, provider_ref: str, callback: dict) -> SigningResult:
        raise SigningError("A DSC signature completes at once; there is nothing to finish.")
