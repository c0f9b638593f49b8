"""A local HTTPS server speaking the DocuSign REST endpoints the SDK calls, with an embedded-signing
ceremony the test can walk through and the Connect messages DocuSign would post afterwards."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import jwt
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from .pki import ServerThread, issue, one_page_pdf

_ACCOUNTS = "/restapi/v2.1/accounts/<account>/envelopes"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass
class Envelope:
    id: str
    definition: dict
    status: str = "sent"
    signed_pdf: bytes | None = None
    certificate: bytes | None = None

    @property
    def signer(self) -> dict:
        return self.definition["recipients"]["signers"][0]

    @property
    def pdf(self) -> bytes:
        return base64.b64decode(self.definition["documents"][0]["documentBase64"])


@dataclass
class Failure:
    path_part: str
    status: int
    body: dict
    times: int


@dataclass
class ConnectMessage:
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class FakeDocuSign:
    def __init__(self, *, integration_key: str, user_id: str, public_key_pem: bytes, tls_dir: Path,
                 account_id: str = "6a1f0000-fake-acct", connect_secrets: tuple[str, ...] = ()):
        self.integration_key, self.user_id, self.public_key_pem = integration_key, user_id, public_key_pem
        self.account_id, self.connect_secrets = account_id, connect_secrets
        self.consent_granted = True
        self.envelopes: dict[str, Envelope] = {}
        self.views: dict[str, tuple[str, str]] = {}       # one-time token → (envelope id, return URL)
        self.tokens: set[str] = set()
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, query) in arrival order
        self.connect_messages: list[ConnectMessage] = []
        self.failures: list[Failure] = []
        self._lock = threading.Lock()
        self._seal = issue("Fake DocuSign Envelope Seal")
        self._urls = Map([
            Rule("/oauth/token", endpoint="token", methods=["POST"]),
            Rule("/oauth/userinfo", endpoint="userinfo", methods=["GET"]),
            Rule(_ACCOUNTS, endpoint="create_envelope", methods=["POST"]),
            Rule(f"{_ACCOUNTS}/<envelope_id>/views/recipient", endpoint="recipient_view", methods=["POST"]),
            Rule(f"{_ACCOUNTS}/<envelope_id>/documents/<document_id>", endpoint="document", methods=["GET"]),
            Rule("/signing/<token>", endpoint="ceremony", methods=["GET"]),
        ])
        tls = issue("127.0.0.1", hosts=("127.0.0.1", "localhost"))
        tls_dir.mkdir(parents=True, exist_ok=True)
        self.ca_bundle = str(tls_dir / "fake-docusign-ca.pem")
        Path(self.ca_bundle).write_bytes(tls.cert_pem)
        (tls_dir / "fake-docusign-key.pem").write_bytes(tls.key_pem)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_bundle, tls_dir / "fake-docusign-key.pem")
        self._thread = ServerThread(self._wsgi, ssl_context=context)
        self.oauth_host = f"127.0.0.1:{self._thread.port}"
        self.base_uri = f"https://{self.oauth_host}"

    def stop(self) -> None:
        self._thread.stop()

    def fail(self, path_part: str, status: int, body: dict | None = None, times: int = 1) -> None:
        """Answer the next `times` requests whose path contains path_part with this error."""
        body = body or {"errorCode": "FAKE_FAILURE", "message": f"injected HTTP {status}"}
        self.failures.append(Failure(path_part, status, body, times))

    def void(self, envelope_id: str, reason: str) -> ConnectMessage:
        envelope = self.envelopes[envelope_id]
        envelope.status = "voided"
        return self._connect(envelope, voidedReason=reason)

    # WSGI plumbing

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.requests.append((request.method, request.path, dict(request.args)))
            failure = next((f for f in self.failures if f.path_part in request.path and f.times > 0), None)
            if failure:
                failure.times -= 1
        try:
            if failure:
                response = _json(failure.body, failure.status)
            else:
                endpoint, values = self._urls.bind_to_environ(environ).match()
                response = getattr(self, f"_{endpoint}")(request, **values)
        except HTTPException as exc:
            response = exc.get_response()
        return response(environ, start_response)

    def _authorize(self, request: Request, account: str | None = None) -> None:
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if scheme != "Bearer" or token not in self.tokens:
            raise _Abort(_json({"errorCode": "USER_AUTHENTICATION_FAILED",
                                "message": "One or both of Username and Password are invalid."}, 401))
        if account is not None and account != self.account_id:
            raise _Abort(_json({"errorCode": "USER_LACKS_MEMBERSHIP", "message": "no such account"}, 400))

    # OAuth

    def _token(self, request: Request) -> Response:
        if request.form.get("grant_type") != JWT_GRANT:
            return _json({"error": "unsupported_grant_type"}, 400)
        try:
            claims = jwt.decode(request.form.get("assertion", ""), self.public_key_pem, algorithms=["RS256"],
                                audience=self.oauth_host, issuer=self.integration_key,
                                options={"require": ["iss", "sub", "aud", "iat", "exp"]})
        except jwt.PyJWTError as exc:
            return _json({"error": "invalid_grant", "error_description": str(exc)}, 400)
        if claims["sub"] != self.user_id:
            return _json({"error": "invalid_grant", "error_description": "user_not_found"}, 400)
        if not {"signature", "impersonation"} <= set(claims.get("scope", "").split()):
            return _json({"error": "invalid_scope"}, 400)
        if not self.consent_granted:
            return _json({"error": "consent_required"}, 400)
        token = uuid.uuid4().hex
        self.tokens.add(token)
        return _json({"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _userinfo(self, request: Request) -> Response:
        self._authorize(request)
        return _json({"sub": self.user_id, "name": "Sulah API user", "email": "api@sulah.test",
                      "accounts": [{"account_id": self.account_id, "is_default": True,
                                    "account_name": "Sulah (fake)", "base_uri": self.base_uri}]})

    # eSignature REST API

    def _create_envelope(self, request: Request, account: str) -> Response:
        self._authorize(request, account)
        body = request.get_json(silent=True) or {}
        problem = _envelope_problem(body)
        if problem:
            return _json({"errorCode": "INVALID_REQUEST_BODY", "message": problem}, 400)
        envelope = Envelope(id=str(uuid.uuid4()), definition=body)
        self.envelopes[envelope.id] = envelope
        return _json({"envelopeId": envelope.id, "status": "sent", "uri": f"/envelopes/{envelope.id}",
                      "statusDateTime": _now()}, 201)

    def _recipient_view(self, request: Request, account: str, envelope_id: str) -> Response:
        self._authorize(request, account)
        envelope = self._envelope(envelope_id)
        body = request.get_json(silent=True) or {}
        signer = envelope.signer
        if not body.get("returnUrl") or not body.get("authenticationMethod"):
            return _json({"errorCode": "INVALID_REQUEST_PARAMETER", "message": "returnUrl"}, 400)
        if (body.get("clientUserId"), body.get("email"), body.get("userName")) != (
                signer["clientUserId"], signer["email"], signer["name"]):
            return _json({"errorCode": "UNKNOWN_ENVELOPE_RECIPIENT", "message": "no such recipient"}, 400)
        token = uuid.uuid4().hex
        self.views[token] = (envelope_id, body["returnUrl"])
        return _json({"url": f"{self.base_uri}/signing/{token}"}, 201)

    def _document(self, request: Request, account: str, envelope_id: str, document_id: str) -> Response:
        self._authorize(request, account)
        envelope = self._envelope(envelope_id)
        if document_id == "certificate":
            data = envelope.certificate or one_page_pdf("Certificate Of Completion", "Status: In progress")
        elif document_id in ("combined", "1"):
            data = envelope.signed_pdf or envelope.pdf
        else:
            raise NotFound()
        return Response(data, 200, content_type="application/pdf")

    # The signer's browser

    def _ceremony(self, request: Request, token: str) -> Response:
        envelope_id, return_url = self.views.pop(token, (None, None))
        if envelope_id is None:
            return Response("This signing session has expired.", 410)
        envelope = self._envelope(envelope_id)
        if request.args.get("action") == "decline":
            envelope.status = "declined"
            self._connect(envelope, declinedReason=request.args.get("reason", ""))
            return redirect(f"{return_url}?{urlencode({'event': 'decline'})}")
        envelope.signed_pdf = self._seal_pdf(envelope.pdf)
        envelope.certificate = one_page_pdf(
            "Certificate Of Completion", f"Envelope Id: {envelope.id}",
            f"Signer: {envelope.signer['name']} <{envelope.signer['email']}>", "Status: Completed")
        envelope.status = "completed"
        self._connect(envelope)
        return redirect(f"{return_url}?{urlencode({'event': 'signing_complete'})}")

    def _seal_pdf(self, pdf: bytes) -> bytes:
        seal = signers.SimpleSigner(signing_cert=self._seal.asn1_cert, signing_key=self._seal.asn1_key,
                                    cert_registry=None)
        out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                               signers.PdfSignatureMetadata(field_name="DocuSignEnvelopeSeal"), signer=seal)
        return out.getvalue()

    def _connect(self, envelope: Envelope, **signer_fields) -> ConnectMessage:
        signer = {"name": envelope.signer["name"], "email": envelope.signer["email"],
                  "status": envelope.status, **signer_fields}
        summary = {"status": envelope.status, "emailSubject": envelope.definition["emailSubject"],
                   "statusChangedDateTime": _now(), "recipients": {"signers": [signer]}}
        if "voidedReason" in signer_fields:
            summary["voidedReason"] = signer.pop("voidedReason")
        body = json.dumps({
            "event": f"envelope-{envelope.status}", "apiVersion": "v2.1",
            "uri": f"/restapi/v2.1/accounts/{self.account_id}/envelopes/{envelope.id}",
            "retryCount": 0, "configurationId": 10501, "generatedDateTime": _now(),
            "data": {"accountId": self.account_id, "userId": self.user_id, "envelopeId": envelope.id,
                     "envelopeSummary": summary}}).encode()
        headers = {"Content-Type": "application/json"}
        for n, secret in enumerate(self.connect_secrets, start=1):
            digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
            headers[f"X-DocuSign-Signature-{n}"] = base64.b64encode(digest).decode()
        message = ConnectMessage(body, headers)
        self.connect_messages.append(message)
        return message

    def _envelope(self, envelope_id: str) -> Envelope:
        envelope = self.envelopes.get(envelope_id)
        if envelope is None:
            raise _Abort(_json({"errorCode": "ENVELOPE_DOES_NOT_EXIST", "message": envelope_id}, 404))
        return envelope


class _Abort(HTTPException):
    def __init__(self, response: Response):
        super().__init__(response=response)


def _envelope_problem(body: dict) -> str:
    """What is wrong with an envelope definition, in the shape the SDK serialises it."""
    if not body.get("emailSubject") or body.get("status") != "sent":
        return "emailSubject and status 'sent' are required"
    documents = body.get("documents") or []
    if len(documents) != 1 or not {"documentId", "name", "documentBase64"} <= documents[0].keys():
        return "exactly one document with documentId, name and documentBase64"
    if not base64.b64decode(documents[0]["documentBase64"]).startswith(b"%PDF-"):
        return "the document is not a PDF"
    signers_ = (body.get("recipients") or {}).get("signers") or []
    if len(signers_) != 1 or not {"email", "name", "recipientId", "clientUserId"} <= signers_[0].keys():
        return "one embedded signer with email, name, recipientId and clientUserId"
    tabs = (signers_[0].get("tabs") or {}).get("signHereTabs") or []
    placed = [t for t in tabs if t.get("anchorString")
              or {"documentId", "pageNumber", "xPosition", "yPosition"} <= t.keys()]
    if not tabs or len(placed) != len(tabs):
        return "signHereTabs need an anchorString or a documentId, pageNumber and position"
    return ""


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type="application/json")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
