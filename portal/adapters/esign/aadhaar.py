"""Aadhaar eSign through an eSign Service Provider (ESP), per the CCA eSign API 2.1 (OTP, PKCS#7).

sign() reserves a signature field in the PDF, hashes its byte range and returns the request
<Esign>, signed with the ASP's key, for the signer's browser to post to the ESP. The ESP checks
the signer's Aadhaar OTP and posts <EsignResp> back to our response URL; complete() checks the
ESP's XML signature and embeds the returned CMS SignedData into the reserved /Contents.
"""
from __future__ import annotations

import asyncio
import base64
import io
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms
from lxml import etree
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import extract_certificate_info, extract_signer_info
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko.stamp import TextStampStyle
from signxml import XMLSigner, XMLVerifier, methods
from signxml.exceptions import SignXMLException

from portal.types import IST, utcnow

from .base import STAMP_BOX_RIGHT, SigningError, SigningResult, SigningStatus, SignRequest
from .pending import MemoryPendingStore, PendingStore, RedisPendingStore

ESIGN_VERSION = "2.1"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
FIELD_NAME = "AadhaarESign"
# The signer walked away or let the ESP page expire.
SIGNER_DECLINED = {"ESP-944", "ESP-945", "ESP-946"}
# Aadhaar authentication failed (OTP retries exhausted, OTP limits, locked or invalid Aadhaar/VID).
SIGNER_NOT_AUTHENTICATED = {"ESP-415", "400", "403", "517", "953", "K-100"}
MAX_RESPONSE_BYTES = 1_000_000
_HONORIFICS = {"adv", "advocate", "mr", "ms", "mrs", "dr", "shri", "smt", "kumari", "sri"}
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _pem(value: str | bytes) -> bytes:
    """A PEM setting given inline or as a path to a file."""
    raw = value.encode() if isinstance(value, str) else value
    return raw if raw.lstrip().startswith(b"-----BEGIN") else Path(raw.decode()).read_bytes()


@dataclass(frozen=True)
class AadhaarESignSettings:
    esp_url: str             # the ESP's eSign 2.1 endpoint that the signer's browser posts the request to
    asp_id: str              # our ASP id, assigned by the ESP
    asp_key: bytes           # PEM private key whose certificate is registered with the ESP
    asp_cert: bytes          # PEM
    esp_cert: bytes          # PEM certificate the ESP signs its responses with
    response_url: str        # our endpoint the ESP posts eSignResponse to
    auth_mode: str = "1"     # 1 = OTP
    bytes_reserved: int = 24576  # hex characters kept for the CMS (12 KiB of DER: signer + CA chain)
    stamp_box: tuple[int, int, int, int] | None = STAMP_BOX_RIGHT  # points, last page; None: invisible
    pending_ttl: int = 1800
    require_name_match: bool = True  # the eKYC name on the certificate must be the expected signer's

    @classmethod
    def from_config(cls, config: Mapping) -> AadhaarESignSettings:
        return cls(esp_url=config["ESIGN_ESP_URL"], asp_id=config["ESIGN_ASP_ID"],
                   asp_key=_pem(config["ESIGN_ASP_KEY"]), asp_cert=_pem(config["ESIGN_ASP_CERT"]),
                   esp_cert=_pem(config["ESIGN_ESP_CERT"]), response_url=config["ESIGN_RESPONSE_URL"],
                   auth_mode=str(config.get("ESIGN_AUTH_MODE") or "1"))


def transaction_of(callback: Mapping) -> str:
    """The txn an ESP callback claims to answer, to route it; complete() verifies everything."""
    root = _parse(callback)
    return root.get("txn") or ""


class AadhaarESignProvider:
    name = "aadhaar_esign"

    def __init__(self, settings: AadhaarESignSettings, store: PendingStore | None = None):
        self.settings = settings
        self.store = store or MemoryPendingStore()

    @classmethod
    def from_config(cls, config: Mapping) -> AadhaarESignProvider:
        url = config.get("ESIGN_PENDING_REDIS_URL")
        return cls(AadhaarESignSettings.from_config(config), RedisPendingStore(url) if url else None)

    def sign(self, request: SignRequest) -> SigningResult:
        prepared, digest = self._prepare(request)
        txn = uuid.uuid4().hex
        state = {"pdf": base64.b64encode(prepared).decode(), "digest": digest.document_digest.hex(),
                 "start": digest.reserved_region_start, "end": digest.reserved_region_end,
                 "signer": request.signer.name, "return_url": request.return_url}
        self.store.put(txn, json.dumps(state).encode(), self.settings.pending_ttl)
        xml = self._request_xml(txn, digest.document_digest, f"{request.document_id}: {request.reason}")
        return SigningResult(
            status=SigningStatus.PENDING, provider=self.name, provider_ref=txn,
            redirect_url=self.settings.esp_url,
            redirect_form={"eSignRequest": xml, "aspTxnID": txn, "Content-Type": "application/xml"},
            detail="Waiting for the signer's Aadhaar OTP at the eSign Service Provider.")

    def complete(self, provider_ref: str, callback: dict) -> SigningResult:
        response = self._verified_response(callback)
        if response.get("txn") != provider_ref:
            raise SigningError("The eSign response answers another transaction.")
        status = response.get("status")
        if status == "2":  # eSign 3.x asynchronous signing: the final answer comes later
            return SigningResult(SigningStatus.PENDING, self.name, provider_ref, detail="The ESP is signing.")
        stored = self.store.take(provider_ref)
        if stored is None:
            raise SigningError("This eSign transaction is unknown, expired or already completed.")
        state = json.loads(stored)
        if status != "1":
            return self._failure(provider_ref, response, state)
        der, signer_cert = self._checked_signature(response, bytes.fromhex(state["digest"]))
        signer_name = signer_cert.subject.native.get("common_name", "")
        if self.settings.require_name_match and not _same_person(signer_name, state["signer"]):
            raise SigningError(f"The Aadhaar eSign certificate is in the name of {signer_name!r}, "
                               f"not {state['signer']!r}; the document was not signed.")
        signed = self._embed(base64.b64decode(state["pdf"]), state, der)
        return SigningResult(
            status=SigningStatus.SIGNED, provider=self.name, provider_ref=provider_ref, signed_pdf=signed,
            redirect_url=state["return_url"] or None,
            evidence={"esp_response.xml": _response_bytes(callback)},
            detail=f"Signed by {signer_name} with Aadhaar eSign ({signer_cert.issuer.human_friendly}).")

    def _prepare(self, request: SignRequest) -> tuple[bytes, PreparedByteRangeDigest]:
        s = self.settings
        meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                            reason=request.reason, location=request.location,
                                            name=request.signer.name)
        field_spec = fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=s.stamp_box) if s.stamp_box else None
        # Shown in IST (pyHanko's own %(ts)s is UTC); the ESP's CMS carries the exact signing time.
        style = TextStampStyle(stamp_text="Digitally signed using Aadhaar eSign\n"
                                          "Signer: %(signer)s\nDate: %(date_ist)s")
        date_ist = utcnow().astimezone(IST).strftime("%d-%m-%Y %H:%M IST")
        # The ESP returns the whole CMS; this signer only lets pyHanko lay out the placeholder.
        placeholder = ExternalSigner(signing_cert=None, cert_registry=None)
        pdf_signer = signers.PdfSigner(meta, signer=placeholder, stamp_style=style, new_field_spec=field_spec)
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(request.pdf))
            digest, _, output = asyncio.run(pdf_signer.async_digest_doc_for_signing(
                writer, bytes_reserved=s.bytes_reserved,
                appearance_text_params={"signer": request.signer.name, "date_ist": date_ist}))
        except Exception as exc:  # pyHanko raises several types for a damaged or locked file
            raise SigningError("The document to sign is not a PDF that can take a signature.") from exc
        return output.getvalue(), digest

    def _request_xml(self, txn: str, digest: bytes, doc_info: str) -> str:
        s = self.settings
        root = etree.Element(
            "Esign", ver=ESIGN_VERSION, sc="Y", ts=utcnow().astimezone(IST).strftime("%Y-%m-%dT%H:%M:%S"),
            txn=txn, ekycId="", ekycIdType="A", aspId=s.asp_id, AuthMode=s.auth_mode,
            responseSigType="pkcs7", responseUrl=s.response_url)
        docs = etree.SubElement(root, "Docs")
        etree.SubElement(docs, "InputHash", id="1", hashAlgorithm="SHA256", docInfo=doc_info[:100]).text = \
            digest.hex()
        signer = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha256",
                           digest_algorithm="sha256", c14n_algorithm=C14N)
        signed = signer.sign(root, key=s.asp_key, cert=s.asp_cert.decode())
        return etree.tostring(signed, xml_declaration=True, encoding="UTF-8").decode()

    def _verified_response(self, callback: Mapping):
        """The part of <EsignResp> covered by the ESP's signature (never the unsigned rest)."""
        _parse(callback)
        try:
            verified = XMLVerifier().verify(_response_bytes(callback),
                                            x509_cert=self.settings.esp_cert.decode())
        except (SignXMLException, etree.XMLSyntaxError) as exc:
            raise SigningError("The eSign response is not signed by the configured ESP; ignored.") from exc
        element = verified.signed_xml
        if element is None or etree.QName(element).localname != "EsignResp":
            raise SigningError("The ESP's signature does not cover the eSign response.")
        return element

    def _failure(self, txn: str, response, state: dict) -> SigningResult:
        code, message = response.get("errCode") or "", response.get("errMsg") or ""
        if code in SIGNER_DECLINED or code in SIGNER_NOT_AUTHENTICATED:
            status = SigningStatus.DECLINED if code in SIGNER_DECLINED else SigningStatus.FAILED
            return SigningResult(status=status, provider=self.name, provider_ref=txn,
                                 redirect_url=state["return_url"] or None, detail=f"{message} ({code})")
        raise SigningError(f"The eSign Service Provider refused the request: {code} {message}".strip())

    def _checked_signature(self, response, digest: bytes):
        """The ESP's CMS, checked to sign exactly our byte-range digest with the certificate it names."""
        node = response.find("Signatures/DocSignature[@id='1']")
        try:
            der = base64.b64decode(node.text or "", validate=True)
            content = cms.ContentInfo.load(der)
            signed_data = content["content"]
            signer_info = extract_signer_info(signed_data)
            cert = extract_certificate_info(signed_data).signer_cert
            intact, valid = validate_sig_integrity(signer_info, cert, "data", digest)
        except Exception as exc:  # asn1crypto and pyHanko raise many types for malformed CMS
            raise SigningError("The eSign response carries no usable PKCS#7 signature.") from exc
        if content["content_type"].native != "signed_data" or not (intact and valid):
            raise SigningError("The ESP's PKCS#7 signature does not match the document's hash.")
        user_cert = (response.findtext("UserX509Certificate") or "").strip()
        if user_cert and base64.b64decode(user_cert) != cert.dump():
            raise SigningError("The eSign response names a certificate other than the one that signed.")
        if len(der) * 2 > self.settings.bytes_reserved:
            raise SigningError("The ESP's signature is larger than the space reserved in the PDF.")
        return der, cert

    def _embed(self, prepared: bytes, state: dict, der: bytes) -> bytes:
        digest = PreparedByteRangeDigest(document_digest=bytes.fromhex(state["digest"]),
                                         reserved_region_start=state["start"],
                                         reserved_region_end=state["end"])
        output = io.BytesIO(prepared)
        PdfTBSDocument.finish_signing(output, digest, der)
        return output.getvalue()


def _response_bytes(callback: Mapping) -> bytes:
    raw = callback.get("eSignResponse") if isinstance(callback, Mapping) else None
    if not raw:
        raise SigningError("The eSign callback carries no eSignResponse.")
    data = raw.encode() if isinstance(raw, str) else bytes(raw)
    if len(data) > MAX_RESPONSE_BYTES:
        raise SigningError("The eSign response is too large.")
    return data


def _parse(callback: Mapping):
    try:
        return etree.fromstring(_response_bytes(callback), parser=_SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SigningError("The eSign response is not well-formed XML.") from exc


def _same_person(certificate_name: str, expected: str) -> bool:
    """Names match when one's words contain the other's, ignoring case, punctuation and titles."""
    def words(name: str) -> set[str]:
        return {w for w in re.findall(r"[^\W\d_]+", name.casefold()) if w not in _HONORIFICS}
    a, b = words(certificate_name), words(expected)
    return bool(a and b) and (a <= b or b <= a)
