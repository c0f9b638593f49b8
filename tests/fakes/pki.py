"""Test keys, certificates and one-page PDFs for the fake signing services (never for real use)."""
from __future__ import annotations

import datetime as dt
import io
import ipaddress
import threading
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic, writer
from pyhanko.pdf_utils.generic import NameObject
from werkzeug.serving import make_server


@dataclass(frozen=True)
class KeyPair:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def asn1_cert(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        return asn1_keys.PrivateKeyInfo.load(self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issue(common_name: str, *, issuer: KeyPair | None = None, ca: bool = False,
          hosts: tuple[str, ...] = ()) -> KeyPair:
    """A certificate for common_name, signed by issuer (self-signed without one)."""
    key = rsa_key()
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                         x509.NameAttribute(NameOID.COUNTRY_NAME, "IN")])
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(hours=1))
               .not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=not ca, content_commitment=not ca and not hosts,
                   key_encipherment=bool(hosts), data_encipherment=False, key_agreement=False,
                   key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False), critical=True))
    if hosts:
        names = [x509.IPAddress(ipaddress.ip_address(h)) if h[0].isdigit() else x509.DNSName(h) for h in hosts]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return KeyPair(key, cert)


def one_page_pdf(*lines: str) -> bytes:
    """A small valid PDF with a few lines of Helvetica text, built without a renderer."""
    w = writer.PdfFileWriter()
    font = w.add_object(generic.DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -18 Td" for line in lines)
    content = w.add_object(generic.StreamObject(stream_data=f"BT /F1 12 Tf 72 770 Td {text} ET".encode()))
    w.insert_page(generic.DictionaryObject({
        NameObject("/Type"): NameObject("/Page"),
        NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)]),
        NameObject("/Contents"): content,
        NameObject("/Resources"): generic.DictionaryObject({
            NameObject("/Font"): generic.DictionaryObject({NameObject("/F1"): font})}),
    }))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


class ServerThread:
    """A werkzeug server for a WSGI app on a free 127.0.0.1 port, in a daemon thread."""

    def __init__(self, app, ssl_context=None):
        self.server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=ssl_context)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
