"""DocuSign embedded signing through the official SDK: JWT grant, envelope, recipient view, Connect.

Only this module imports docusign_esign. `sign()` creates an envelope with the advocate as an
embedded signer and returns the recipient view URL; DocuSign Connect later posts an event, which
the web layer authenticates with `verify_connect_hmac` before calling `complete()`.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import jwt
import urllib3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from docusign_esign import (
    ApiClient,
    CustomFields,
    Document,
    EnvelopeDefinition,
    EnvelopesApi,
    Recipients,
    RecipientSignatureProvider,
    RecipientViewRequest,
    SignHere,
    Tabs,
    TextCustomField,
)
from docusign_esign import Signer as DsSigner
from docusign_esign.client.api_exception import ApiException, ArgumentException
from docusign_esign.client.api_response import RESTClientObject
from docusign_esign.client.configuration import Configuration
from pyhanko.pdf_utils.reader import PdfFileReader

from .base import Signer, SigningError, SigningResult, SigningStatus, SignRequest

_SIGNATURE_HEADER = re.compile(r"x-docusign-signature-\d+")
_RECIPIENT_ID = "1"
_DOCUMENT_ID = "1"
_DECLINED = {"declined": "declinedReason", "voided": "voidedReason"}


def _pem(value: str | bytes) -> bytes:
    """A PEM setting given inline or as a path to a file."""
    raw = value.encode() if isinstance(value, str) else value
    return raw if raw.lstrip().startswith(b"-----BEGIN") else Path(raw.decode()).read_bytes()


@dataclass(frozen=True)
class DocuSignSettings:
    integration_key: str
    user_id: str                     # the API user impersonated by the JWT grant (GUID)
    private_key: bytes               # the integration's RSA private key, PEM
    oauth_host: str = "account-d.docusign.com"   # account.docusign.com in production
    account_id: str = ""             # empty: the user's default account
    base_path: str = ""              # empty: the account's base URI from /oauth/userinfo + /restapi
    connect_secrets: tuple[str, ...] = ()        # Connect HMAC keys, newest first; several while rotating
    ca_bundle: str | None = None     # trust a private CA instead of certifi's (tests, corporate proxies)
    sign_anchor: str = ""            # text printed in the PDF where the signHere tab goes
    sign_position: tuple[int, int] = (360, 700)  # else: x, y in points from the last page's top left
    signature_provider: str = ""     # a Standards-Based Signature provider (DSC/Aadhaar) on the account
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Mapping) -> DocuSignSettings:
        secrets = config.get("DOCUSIGN_CONNECT_SECRETS") or ()
        if isinstance(secrets, str):
            secrets = [s.strip() for s in secrets.split(",")]
        return cls(
            integration_key=config["DOCUSIGN_INTEGRATION_KEY"],
            user_id=config["DOCUSIGN_USER_ID"],
            private_key=_pem(config["DOCUSIGN_PRIVATE_KEY"]),
            oauth_host=config.get("DOCUSIGN_OAUTH_HOST") or cls.oauth_host,
            account_id=config.get("DOCUSIGN_ACCOUNT_ID") or "",
            base_path=config.get("DOCUSIGN_BASE_PATH") or "",
            connect_secrets=tuple(s for s in secrets if s),
            ca_bundle=config.get("DOCUSIGN_CA_BUNDLE") or None,
            sign_anchor=config.get("DOCUSIGN_SIGN_ANCHOR") or "",
            signature_provider=config.get("DOCUSIGN_SIGNATURE_PROVIDER") or "",
        )


def verify_connect_hmac(body: bytes, headers: Mapping[str, str], secrets: Iterable[str]) -> bool:
    """True when any X-DocuSign-Signature-N header is the HMAC-SHA256 of the raw body under any secret."""
    provided = [v.strip().encode() for k, v in headers.items() if _SIGNATURE_HEADER.fullmatch(k.lower())]
    expected = [base64.b64encode(hmac.new(s.encode(), body, hashlib.sha256).digest()) for s in secrets if s]
    matched = False
    for given in provided:
        for wanted in expected:
            matched |= hmac.compare_digest(given, wanted)  # no early exit: constant time over the lists
    return matched


def connect_envelope_id(callback: Mapping) -> str:
    """The envelope a Connect event is about, to find the pending signature it belongs to."""
    data = callback.get("data") if isinstance(callback, Mapping) else None
    return str(data.get("envelopeId") or "") if isinstance(data, Mapping) else ""


class _TimeoutRESTClient(RESTClientObject):
    """The SDK's REST client sends `timeout=None` (wait forever) unless each call passes one."""

    def __init__(self, configuration: Configuration, timeout: float):
        super().__init__(configuration=configuration)
        self.default_timeout = timeout

    def request(self, *args, _request_timeout=None, **kwargs):
        return super().request(*args, _request_timeout=_request_timeout or self.default_timeout, **kwargs)


@dataclass(frozen=True)
class _Session:
    token: str
    expires_at: float
    base_path: str
    account_id: str


class DocuSignProvider:
    name = "docusign"

    def __init__(self, settings: DocuSignSettings):
        self.settings = settings
        self._lock = threading.Lock()
        self._session: _Session | None = None
        configuration = Configuration()
        configuration.ssl_ca_cert = settings.ca_bundle
        # One connection pool per provider: keep-alive to DocuSign across calls (thread-safe).
        self._rest = _TimeoutRESTClient(configuration, settings.timeout)

    def close(self) -> None:
        """Close pooled connections (a worker shutting down, or a test finishing)."""
        self._rest.pool_manager.clear()

    def sign(self, request: SignRequest) -> SigningResult:
        if not request.return_url:
            raise SigningError("DocuSign embedded signing needs a return URL for the signer.")
        definition = self._envelope_definition(request)
        summary = self._call(lambda api, account: api.create_envelope(
            account, envelope_definition=definition))
        view_url = self.recipient_view(summary.envelope_id, request.signer, request.return_url)
        return SigningResult(status=SigningStatus.PENDING, provider=self.name,
                             provider_ref=summary.envelope_id, redirect_url=view_url,
                             detail="Waiting for the signer on DocuSign.")

    def recipient_view(self, envelope_id: str, signer: Signer, return_url: str) -> str:
        """A fresh embedded-signing URL (each one works once and expires within minutes)."""
        view = RecipientViewRequest(return_url=return_url, authentication_method="none",
                                    email=signer.email, user_name=signer.name,
                                    client_user_id=str(signer.user_id), recipient_id=_RECIPIENT_ID)
        result = self._call(lambda api, account: api.create_recipient_view(
            account, envelope_id, recipient_view_request=view))
        return result.url

    def complete(self, provider_ref: str, callback: dict) -> SigningResult:
        """Act on an authenticated Connect event: fetch the signed PDF once the envelope is completed."""
        if connect_envelope_id(callback) != provider_ref:
            raise SigningError("The DocuSign event is about another envelope.")
        data = callback["data"]
        summary = data.get("envelopeSummary") if isinstance(data.get("envelopeSummary"), Mapping) else {}
        status = str(summary.get("status") or callback.get("event") or "").removeprefix("envelope-").lower()
        result = SigningResult(status=SigningStatus.PENDING, provider=self.name, provider_ref=provider_ref)
        if status in _DECLINED:
            reason = _reason(summary, _DECLINED[status])
            result.status = SigningStatus.DECLINED
            result.detail = f"The envelope was {status} on DocuSign" + (f": {reason}" if reason else ".")
        elif status == "completed":
            def download(document_id, **query):
                return self._call(lambda api, account: api.get_document(
                    account, document_id, provider_ref, **query))
            result.signed_pdf = bytes(download("combined", certificate="false"))
            result.evidence["certificate_of_completion.pdf"] = bytes(download("certificate"))
            if not result.signed_pdf.startswith(b"%PDF-"):
                raise SigningError("DocuSign returned something other than a PDF for the signed document.")
            result.status = SigningStatus.SIGNED
            result.detail = "Signed on DocuSign."
        else:
            result.detail = f"DocuSign reports the envelope as {status or 'unknown'}."
        return result

    def _envelope_definition(self, request: SignRequest) -> EnvelopeDefinition:
        s = self.settings
        if s.sign_anchor:
            tab = SignHere(anchor_string=s.sign_anchor, anchor_units="points",
                           anchor_x_offset="0", anchor_y_offset="0")
        else:
            tab = SignHere(document_id=_DOCUMENT_ID, page_number=str(_page_count(request.pdf)),
                           x_position=str(s.sign_position[0]), y_position=str(s.sign_position[1]))
        signer = DsSigner(email=request.signer.email, name=request.signer.name, recipient_id=_RECIPIENT_ID,
                          routing_order="1", client_user_id=str(request.signer.user_id),
                          tabs=Tabs(sign_here_tabs=[tab]))
        if s.signature_provider:
            signer.recipient_signature_providers = [
                RecipientSignatureProvider(signature_provider_name=s.signature_provider)]
        document = Document(document_base64=base64.b64encode(request.pdf).decode("ascii"),
                            name=f"{request.document_id}.pdf", file_extension="pdf", document_id=_DOCUMENT_ID)
        return EnvelopeDefinition(
            email_subject=request.reason[:100] or "Please sign", documents=[document],
            recipients=Recipients(signers=[signer]), status="sent",
            custom_fields=CustomFields(text_custom_fields=[
                TextCustomField(name="sulah_document_id", value=request.document_id, show="false")]))

    def _call(self, operation):
        """Run operation(EnvelopesApi, account_id); on a 401 get a new token once and retry."""
        with _translated_errors():
            for attempt in (1, 2):
                client, account_id = self._client(fresh=attempt == 2)
                try:
                    return operation(EnvelopesApi(client), account_id)
                except ApiException as exc:
                    if exc.status != 401 or attempt == 2:
                        raise

    def _client(self, *, fresh: bool) -> tuple[ApiClient, str]:
        with self._lock:
            if fresh or self._session is None or self._session.expires_at < time.time() + 300:
                self._session = None
                self._session = self._authenticate()
            session = self._session
        client = self._api_client(session.base_path)
        client.set_default_header("Authorization", f"Bearer {session.token}")
        return client, session.account_id

    def _api_client(self, host: str | None = None) -> ApiClient:
        s = self.settings
        client = ApiClient(host=host or f"https://{s.oauth_host}", oauth_host_name=s.oauth_host)
        client.rest_client = self._rest
        return client

    def _authenticate(self) -> _Session:
        s = self.settings
        _check_private_key(s.private_key)
        client = self._api_client()
        try:
            token = client.request_jwt_user_token(
                client_id=s.integration_key, user_id=s.user_id, oauth_host_name=s.oauth_host,
                private_key_bytes=s.private_key, expires_in=3600, scopes=["signature", "impersonation"])
        except jwt.PyJWTError as exc:
            raise SigningError(f"DocuSign JWT could not be signed with the configured key: {exc}") from exc
        info = client.get_user_info(token.access_token)
        accounts = info.accounts or []
        if s.account_id:
            account = next((a for a in accounts if a.account_id == s.account_id), None)
        else:
            account = next((a for a in accounts if str(a.is_default).lower() == "true"), None)
        if account is None:
            raise SigningError("The DocuSign user has no access to the configured account.")
        base_path = s.base_path or f"{account.base_uri.rstrip('/')}/restapi"
        return _Session(token.access_token, time.time() + int(token.expires_in or 3600),
                        base_path, account.account_id)


def _reason(summary: Mapping, field: str) -> str:
    """The voided reason sits on the envelope; a decline reason on the signer who declined."""
    signers = (summary.get("recipients") or {}).get("signers") or []
    reasons = [summary.get(field)] + [s.get(field) for s in signers if isinstance(s, Mapping)]
    return next((str(r) for r in reasons if r), "")


def _check_private_key(pem: bytes) -> None:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningError("The DocuSign private key is not a readable unencrypted PEM private key.") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SigningError("The DocuSign private key must be an RSA key (the JWT grant uses RS256).")


def _page_count(pdf: bytes) -> int:
    try:
        return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])
    except Exception as exc:  # pyHanko raises several types for a damaged file
        raise SigningError("The document to sign is not a readable PDF.") from exc


@contextlib.contextmanager
def _translated_errors() -> Iterator[None]:
    """Turn SDK and transport failures into SigningError with a message safe to show."""
    try:
        yield
    except ApiException as exc:
        raise SigningError(_describe(exc)) from exc
    except ArgumentException as exc:
        raise SigningError(f"DocuSign is misconfigured: {exc}") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise SigningError("DocuSign could not be reached; try again later.") from exc


def _describe(exc: ApiException) -> str:
    status = exc.status or 0
    try:
        body = json.loads(exc.body or b"{}")
    except (ValueError, TypeError):
        body = {}
    body = body if isinstance(body, dict) else {}
    code = body.get("errorCode") or body.get("error") or ""
    message = body.get("message") or body.get("error_description") or ""
    if code == "consent_required":
        return "DocuSign needs the API user's one-time consent for this integration key (consent_required)."
    if status == 0:
        return "DocuSign could not be reached securely (TLS failure)."
    if status >= 500:
        return f"DocuSign is unavailable (HTTP {status}); try again later."
    detail = ": ".join(part for part in (code, message) if part)
    return f"DocuSign refused the request (HTTP {status})" + (f": {detail}" if detail else ".")
