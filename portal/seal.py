"""The platform's PAdES seal on what the platform itself issues (completed settlement and submission
agreements with their page of signatures and acceptances, delivery-proof certificates): proof that
the document is exactly what the platform recorded.

The key is a PKCS#12 file named by PLATFORM_SEAL_PKCS12 (with PLATFORM_SEAL_PASSPHRASE). In development
and tests, where none is configured, a self-signed demonstration seal is generated once into the
instance folder; a document sealed with it says so visibly (IT Act s.3A: it is no licensed CA's).
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from flask import current_app
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle

from portal.adapters import STAMP_BOX_LEFT, SigningError, load_signer, make_demo_pkcs12
from portal.config import instance_secret
from portal.errors import DomainError
from portal.types import IST, utcnow

FIELD_NAME = "PlatformSeal"
BYTES_RESERVED = 16 * 1024
DEMO_FILE = "platform_seal_DEMONSTRATION.p12"
DEMO_NAME = "Sulah platform seal (DEMONSTRATION)"
DEMO_WARNING = "DEMONSTRATION SEAL - NOT A LICENSED CA CERTIFICATE"


class SealError(DomainError):
    """The seal could not be applied; the message is safe to show."""


def seal_key() -> tuple[bytes, bytes]:
    """(PKCS#12 bytes, passphrase) of the platform's seal."""
    cfg = current_app.config
    path = cfg.get("PLATFORM_SEAL_PKCS12")
    if path:
        try:
            return Path(path).read_bytes(), (cfg.get("PLATFORM_SEAL_PASSPHRASE") or "").encode()
        except OSError as exc:
            raise SealError("The platform seal certificate (PLATFORM_SEAL_PKCS12) cannot be read.") from exc
    if not (cfg.get("DEVELOPMENT") or cfg.get("TESTING")):
        raise SealError("The platform seal is not configured (PLATFORM_SEAL_PKCS12).")
    return _demo_key(Path(cfg["INSTANCE_PATH"]))


def _demo_key(instance: Path) -> tuple[bytes, bytes]:
    passphrase = instance_secret(instance, "platform_seal_passphrase").encode()
    path = instance / DEMO_FILE
    if not path.exists():
        data = make_demo_pkcs12(DEMO_NAME, passphrase)
        try:  # O_EXCL: of two first uses at once, one writes and the other reads its file
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes(), passphrase
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    return path.read_bytes(), passphrase


def seal(pdf: bytes, *, reason: str) -> tuple[bytes, bool]:
    """The PDF with the platform's seal over the whole file, and whether the seal is a demonstration."""
    try:
        signer, demo = load_signer(*seal_key())
    except SigningError as exc:
        raise SealError(str(exc)) from exc
    stamp = "Sealed by the Sulah platform\nDate: %(date_ist)s\nReason: %(reason)s" + (
        "\n" + DEMO_WARNING if demo else "")
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=reason,
                                        location="India", name="Sulah platform")
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=TextStampStyle(stamp_text=stamp),
                                   new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=-1,
                                                                      box=STAMP_BOX_LEFT))
    params = {"date_ist": utcnow().astimezone(IST).strftime("%d-%m-%Y %H:%M IST"), "reason": reason}
    try:
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), bytes_reserved=BYTES_RESERVED,
                                  appearance_text_params=params)
    except Exception as exc:  # pyHanko raises several types for a damaged file
        raise SealError("The agreement could not be sealed.") from exc
    return out.getvalue(), demo


def is_demo_seal() -> bool:
    """Whether the seal in use is the demonstration one (the final page must say so before sealing)."""
    try:
        return load_signer(*seal_key())[1]
    except SigningError as exc:
        raise SealError(str(exc)) from exc
