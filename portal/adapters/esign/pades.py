"""PAdES signatures with the advocate's DSC through pyHanko: the default provider.

The key comes from a KeySource (keys.py: a PKCS#12 export; tokens.py: a PKCS#11 token), opened once
per worker. The signature space is reserved up front (`bytes_reserved`), so pyHanko does not sign
twice to size the placeholder. With SIGNING_TSA_URL set, the signature carries an RFC 3161
signature timestamp from that authority (PAdES B-T), so its time does not rest on the server's clock.
"""
from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from pkcs11 import PKCS11Error
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.stamp import TextStampStyle

from portal.adapters.esign.base import (
    STAMP_BOX_RIGHT,
    Signer,
    SigningError,
    SigningResult,
    SigningStatus,
    SignRequest,
    field_name,
)
from portal.adapters.esign.keys import (
    CachedKeySigner,
    KeySource,
    OpenKey,
    Pkcs12Key,
    check_in_date,
    load_signer,
)
from portal.types import IST, utcnow

__all__ = ["BYTES_RESERVED", "DEMO_WARNING", "FIELD_NAME", "CachedKeySigner", "PadesProvider",
           "TsaSettings", "load_signer", "timestamper_for"]

FIELD_NAME = "AdvocateSignature"  # a notice's; see base.field_name for who else signs
BYTES_RESERVED = 16 * 1024
# A timestamp token adds its own CMS and the authority's certificate chain.
BYTES_RESERVED_TIMESTAMPED = 24 * 1024
DEMO_WARNING = "DEMONSTRATION SIGNATURE - NOT A LICENSED CA CERTIFICATE"
# What `key_material` may give: a KeySource, or (PKCS#12 bytes, passphrase) as the first callers do.
KeyMaterial = Callable[[Signer], "KeySource | tuple[bytes, bytes]"]


@dataclass(frozen=True)
class TsaSettings:
    """An RFC 3161 timestamp authority reached over HTTP(S), with optional basic auth."""

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0  # seconds for the whole request: a TSA that hangs must not hang the signing

    @classmethod
    def from_config(cls, config: Mapping) -> TsaSettings | None:
        if not config.get("SIGNING_TSA_URL"):
            return None
        return cls(config["SIGNING_TSA_URL"], config.get("SIGNING_TSA_USERNAME") or None,
                   config.get("SIGNING_TSA_PASSWORD") or None, float(config.get("SIGNING_TSA_TIMEOUT") or 10))

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.url


@functools.lru_cache(maxsize=8)
def timestamper_for(tsa: TsaSettings) -> HTTPTimeStamper:
    # Basic auth as a ready header: aiohttp 3.14 deprecates the BasicAuth object pyHanko would build.
    headers = {}
    if tsa.username:
        token = base64.b64encode(f"{tsa.username}:{tsa.password or ''}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    return HTTPTimeStamper(tsa.url, timeout=tsa.timeout, headers=headers)


def _caused_by(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    for _ in range(8):  # pyHanko may wrap what the signer or the timestamper raised
        if exc is None or isinstance(exc, kind):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _tsa_failure(exc: BaseException | None, tsa: TsaSettings) -> str:
    """What went wrong with the authority, in words for the advocate (and whoever runs the TSA)."""
    chain = []
    while exc is not None and len(chain) < 8:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    if any(isinstance(e, TimeoutError) for e in chain):
        return f"did not answer within {tsa.timeout:g} seconds"
    status = next((e.status for e in chain if isinstance(getattr(e, "status", None), int)), None)
    if status in (401, 403):
        return f"refused our credentials (HTTP {status}; check SIGNING_TSA_USERNAME and _PASSWORD)"
    if status is not None:
        return f"answered HTTP {status} instead of a timestamp"
    if any(isinstance(e, ConnectionError) for e in chain):
        return "could not be reached"
    return "did not give a timestamp"


class PadesProvider:
    """Signs at once with the advocate's key: held (encrypted) by the platform, or on a token."""

    name = "pades_dsc"

    def __init__(self, key_material: KeyMaterial, *, tsa: TsaSettings | None = None) -> None:
        self.key_material = key_material
        self.tsa = tsa  # None: SIGNING_TSA_URL of the current app, if any

    def sign(self, request: SignRequest) -> SigningResult:
        source = self.key_material(request.signer)
        if isinstance(source, tuple):
            source = Pkcs12Key(*source)
        tsa = self.tsa or (TsaSettings.from_config(current_app.config) if has_app_context() else None)
        return source.sign_with(lambda key: self._sign(request, key, tsa))

    def _sign(self, request: SignRequest, key: OpenKey, tsa: TsaSettings | None) -> SigningResult:
        check_in_date(key.cert)  # the key was opened once; its certificate may have expired since
        stamp = ("Digitally signed by %(signer)s\n%(capacity)s\nDate: %(date_ist)s\nReason: %(reason)s"
                 + ("\n" + DEMO_WARNING if key.demo else ""))
        meta = signers.PdfSignatureMetadata(
            field_name=field_name(request.signer.capacity), md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=request.reason, location=request.location, name=request.signer.name)
        pdf_signer = signers.PdfSigner(
            meta, signer=key.signer, timestamper=timestamper_for(tsa) if tsa else None,
            stamp_style=TextStampStyle(stamp_text=stamp),
            new_field_spec=fields.SigFieldSpec(field_name(request.signer.capacity), on_page=-1,
                                               box=STAMP_BOX_RIGHT))
        params = {"signer": request.signer.name, "capacity": request.signer.capacity or "Advocate",
                  "date_ist": utcnow().astimezone(IST).strftime("%d-%m-%Y %H:%M IST"),
                  "reason": request.reason}
        try:
            out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(request.pdf)),
                                      bytes_reserved=BYTES_RESERVED_TIMESTAMPED if tsa else BYTES_RESERVED,
                                      appearance_text_params=params)
        except Exception as exc:  # pyHanko raises several types for a damaged or locked file
            if _caused_by(exc, PKCS11Error):
                raise  # the token's: its KeySource logs in again or explains
            if tsa and _caused_by(exc, TimestampRequestError):
                raise SigningError(f"The timestamp authority ({tsa.host}) {_tsa_failure(exc, tsa)}, so "
                                   "the document was not signed; try again later.") from exc
            raise SigningError("The document could not be signed: it is not a PDF that can take a "
                               "signature.") from exc
        return SigningResult(status=SigningStatus.SIGNED, provider=self.name,
                             provider_ref=request.document_id, signed_pdf=out.getvalue(),
                             detail="demonstration certificate" if key.demo else "")

    def complete(self, provider_ref: str, callback: dict) -> SigningResult:
        raise SigningError("A DSC signature completes at once; there is nothing to finish.")
