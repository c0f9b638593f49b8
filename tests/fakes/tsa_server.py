"""A local RFC 3161 timestamp authority over HTTP (application/timestamp-query in,
application/timestamp-reply out), answering with pyHanko's DummyTimeStamper and a TSA certificate
(extended key usage timeStamping) issued by its own test root. It can require basic auth, give a
fixed time, and answer slowly to try a client's timeout."""
from __future__ import annotations

import base64
import datetime as dt
import threading
import time

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper
from werkzeug.wrappers import Request, Response

from .pki import KeyPair, ServerThread, issue, rsa_key


def tsa_keypair(root: KeyPair, common_name: str = "Sulah Test Timestamp Authority") -> KeyPair:
    key = rsa_key()
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                                     x509.NameAttribute(NameOID.COUNTRY_NAME, "IN")]))
            .issuer_name(root.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(root.key, hashes.SHA256()))
    return KeyPair(key, cert)


class FakeTsa:
    """`fixed_time`: the time to put in every token (default: now, to the second); `issued` lists the
    times given, oldest first."""

    def __init__(self, *, username: str | None = None, password: str | None = None,
                 fixed_time: dt.datetime | None = None) -> None:
        self.root = issue("Sulah Test TSA Root", ca=True)
        self.tsa = tsa_keypair(self.root)
        self.username, self.password, self.fixed_time = username, password, fixed_time
        self.delay = 0.0
        self.issued: list[dt.datetime] = []
        self.work_ms: list[float] = []  # the TSA's own time per timestamp (parse, sign), for benchmarks
        self._lock = threading.Lock()
        self._thread = ServerThread(self._wsgi)
        self.url = f"http://127.0.0.1:{self._thread.port}/tsa"

    def stop(self) -> None:
        self._thread.stop()

    def _wsgi(self, environ, start_response):
        return self._handle(Request(environ))(environ, start_response)

    def _handle(self, request: Request) -> Response:
        if request.path != "/tsa" or request.method != "POST":
            return Response("not found", 404)
        if self.username is not None and not self._authorised(request.headers.get("Authorization", "")):
            return Response("unauthorised", 401, {"WWW-Authenticate": 'Basic realm="tsa"'})
        if request.mimetype != "application/timestamp-query":
            return Response("expected application/timestamp-query", 415)
        if self.delay:
            time.sleep(self.delay)  # a TSA that hangs, for the client's timeout
        started = time.perf_counter()
        try:
            query = tsp.TimeStampReq.load(request.get_data())
            query.native  # noqa: B018  (parses the whole request: a malformed one fails here)
        except ValueError:
            return Response("malformed timestamp request", 400)
        at = self.fixed_time or dt.datetime.now(dt.UTC).replace(microsecond=0)
        stamper = DummyTimeStamper(tsa_cert=self.tsa.asn1_cert, tsa_key=self.tsa.asn1_key,
                                   certs_to_embed=[self.root.asn1_cert], fixed_dt=at)
        reply = stamper.request_tsa_response(query)
        with self._lock:
            self.issued.append(at)
            self.work_ms.append(1000 * (time.perf_counter() - started))
        return Response(reply.dump(), 200, content_type="application/timestamp-reply")

    def _authorised(self, header: str) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return header == f"Basic {expected}"
