"""A local eSign Service Provider speaking the CCA eSign API 2.1: it checks the ASP's signed <Esign>
request, shows an OTP page, signs the document hash with a certificate from a test CA and hands
the signed <EsignResp> to the browser as an auto-posting form, as a real ESP does."""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import html
import re
import uuid
from dataclasses import dataclass
from html.parser import HTMLParser

from lxml import etree
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from signxml import XMLSigner, XMLVerifier, methods
from signxml.exceptions import SignXMLException
from werkzeug.wrappers import Request, Response

from .pki import KeyPair, ServerThread, issue

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass
class Transaction:
    txn: str
    digest: bytes
    response_url: str
    request: etree._Element
    attempts_left: int


class FakeESP:
    def __init__(self, *, asp_id: str, asp_cert_pem: bytes, ca: KeyPair, signer_name: str,
                 otp: str = "123456", attempts: int = 3):
        self.asp_id, self.asp_cert_pem, self.ca, self.otp, self.attempts = asp_id, asp_cert_pem, ca, otp, attempts
        self.response_key = issue("Fake ESP eSign Response Signing")
        self.signer = issue(signer_name, issuer=ca)   # whose eKYC the next signature carries
        self.fail_next: tuple[str, str] | None = None  # (errCode, errMsg) for the next OTP submission
        self.sign_other_digest = False
        self.transactions: dict[str, Transaction] = {}
        self._thread = ServerThread(self._wsgi)
        self.url = f"http://127.0.0.1:{self._thread.port}/esign/2.1/signdoc"

    def stop(self) -> None:
        self._thread.stop()

    def reset(self) -> None:
        self.fail_next, self.sign_other_digest = None, False

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        routes = {"/esign/2.1/signdoc": self._signdoc, "/esign/2.1/otp": self._otp,
                  "/esign/2.1/cancel": self._cancel}
        handler = routes.get(request.path)
        if request.method != "POST" or handler is None:
            response = Response("Not found", 404)
        else:
            response = handler(request)
        return response(environ, start_response)

    def _signdoc(self, request: Request) -> Response:
        raw = request.form.get("eSignRequest", "")
        try:
            verified = XMLVerifier().verify(raw.encode(), x509_cert=self.asp_cert_pem.decode()).signed_xml
        except (SignXMLException, etree.XMLSyntaxError):
            return _page("ASP signature verification failed", status=400)
        problem = self._request_problem(verified, request.form.get("aspTxnID", ""))
        if problem:
            return _page(problem, status=400)
        ih = verified.find("Docs/InputHash")
        txn = verified.get("txn")
        self.transactions[txn] = Transaction(txn, bytes.fromhex(ih.text), verified.get("responseUrl"),
                                             verified, self.attempts)
        return _otp_page(txn, f"Document: {ih.get('docInfo')}. Enter the OTP sent to your Aadhaar mobile.")

    def _request_problem(self, esign: etree._Element, asp_txn_id: str) -> str:
        expected = {"ver": "2.1", "sc": "Y", "ekycIdType": "A", "aspId": self.asp_id, "AuthMode": "1",
                    "responseSigType": "pkcs7"}
        wrong = [k for k, v in expected.items() if esign.get(k) != v]
        if esign.tag != "Esign" or wrong:
            return f"Invalid request attributes: {', '.join(wrong) or esign.tag}"
        if esign.get("txn") != asp_txn_id or not esign.get("responseUrl", "").startswith("http"):
            return "txn and aspTxnID differ, or no responseUrl"
        if esign.get("txn") in self.transactions:
            return "Duplicate transaction id"
        try:
            ts = dt.datetime.strptime(esign.get("ts", ""), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=IST)
        except ValueError:
            return "Request timestamp missing or malformed"
        if abs(dt.datetime.now(IST) - ts) > dt.timedelta(minutes=30):
            return "Request timestamp outside the allowed window"
        hashes = esign.findall("Docs/InputHash")
        if len(hashes) != 1 or hashes[0].get("hashAlgorithm") != "SHA256" or hashes[0].get("id") != "1" \
                or not re.fullmatch(r"[0-9a-f]{64}", hashes[0].text or ""):
            return "Docs must hold one SHA256 InputHash with id 1"
        return ""

    def _otp(self, request: Request) -> Response:
        tx = self.transactions.get(request.form.get("txn", ""))
        if tx is None or tx.attempts_left <= 0:
            return _page("This eSign session has ended.", status=410)
        if self.fail_next:
            code, message = self.fail_next
            self.fail_next = None
            return self._respond(tx, error=(code, message))
        if request.form.get("otp") != self.otp:
            tx.attempts_left -= 1
            if tx.attempts_left:
                return _otp_page(tx.txn, f"Invalid OTP! {tx.attempts_left} attempt(s) remaining.")
            return self._respond(tx, error=("ESP-415", "Invalid OTP. No Of Retry Attempt Exhausted!!"))
        tx.attempts_left = 0
        return self._respond(tx)

    def _cancel(self, request: Request) -> Response:
        tx = self.transactions.get(request.form.get("txn", ""))
        if tx is None:
            return _page("This eSign session has ended.", status=410)
        tx.attempts_left = 0
        return self._respond(tx, error=("ESP-944", "User terminated eKYC process"))

    def _respond(self, tx: Transaction, error: tuple[str, str] | None = None) -> Response:
        ts = dt.datetime.now(IST).strftime("%Y-%m-%dT%H:%M:%S")
        root = etree.Element("EsignResp", ver="2.1", status="0" if error else "1", ts=ts, txn=tx.txn,
                             resCode=uuid.uuid4().hex, errCode=error[0] if error else "NA",
                             errMsg=error[1] if error else "NA")
        if not error:
            etree.SubElement(root, "UserX509Certificate").text = base64.b64encode(
                self.signer.asn1_cert.dump()).decode()
            signatures = etree.SubElement(root, "Signatures")
            signature = etree.SubElement(signatures, "DocSignature", id="1", sigHashAlgorithm="SHA256", error="")
            signature.text = base64.b64encode(self.sign_digest(tx.digest)).decode()
        return self._post_back(tx, self.sign_xml(root))

    def sign_digest(self, digest: bytes) -> bytes:
        """A detached CMS SignedData whose messageDigest is the ASP's document hash."""
        if self.sign_other_digest:
            digest = bytes(reversed(digest))
        signer = signers.SimpleSigner(signing_cert=self.signer.asn1_cert, signing_key=self.signer.asn1_key,
                                      cert_registry=SimpleCertificateStore.from_certs([self.ca.asn1_cert]))
        return asyncio.run(signer.async_sign(digest, "sha256")).dump()

    def sign_xml(self, root: etree._Element, key: KeyPair | None = None) -> str:
        key = key or self.response_key
        signed = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha256",
                           digest_algorithm="sha256", c14n_algorithm=C14N).sign(
            root, key=key.key, cert=key.cert_pem.decode())
        return etree.tostring(signed, xml_declaration=True, encoding="UTF-8").decode()

    def _post_back(self, tx: Transaction, xml: str) -> Response:
        return Response(
            f'<html><body onload="document.forms[0].submit()"><form method="post" '
            f'action="{html.escape(tx.response_url)}">'
            f'<input type="hidden" name="eSignResponse" value="{html.escape(xml)}">'
            f'<input type="hidden" name="espTxnID" value="{html.escape(tx.txn)}"></form></body></html>',
            200, content_type="text/html; charset=utf-8")


def _otp_page(txn: str, message: str) -> Response:
    return _page(f'<p class="message">{html.escape(message)}</p>'
                 f'<form method="post" action="/esign/2.1/otp">'
                 f'<input type="hidden" name="txn" value="{html.escape(txn)}">'
                 f'<input name="otp" autocomplete="one-time-code"><button>Verify</button></form>'
                 f'<form method="post" action="/esign/2.1/cancel">'
                 f'<input type="hidden" name="txn" value="{html.escape(txn)}"><button>Cancel</button></form>',
                 escape=False)


def _page(body: str, status: int = 200, escape: bool = True) -> Response:
    text = html.escape(body) if escape else body
    return Response(f"<html><body>{text}</body></html>", status, content_type="text/html; charset=utf-8")


class FormReader(HTMLParser):
    """The forms on a page, as a browser sees them: [(action, {name: value})] plus the page's text."""

    def __init__(self, page: str):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1][1][attrs["name"]] = attrs.get("value") or ""

    def handle_data(self, data):
        self.text.append(data)
