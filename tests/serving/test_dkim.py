"""Served notices carry a DKIM signature when a key is configured; it verifies against the
public key a DNS TXT record would publish."""
from __future__ import annotations

import base64

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from notices.serving import dispatch as dispatching
from notices.serving.models import ChannelKind
from portal.database import commit
from tests.serving.helpers import signed_notice


def test_served_mail_is_dkim_signed(db_session, app, monkeypatch, tmp_path, smtp_sink):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    (tmp_path / "dkim.pem").write_bytes(pem)
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    monkeypatch.setitem(app.config, "MAIL_DKIM_SELECTOR", "sulah1")
    monkeypatch.setitem(app.config, "MAIL_DKIM_DOMAIN", "sulah.localhost")
    monkeypatch.setitem(app.config, "MAIL_DKIM_KEY_FILE", str(tmp_path / "dkim.pem"))
    before = set(smtp_sink.folder.iterdir())
    creditor, _adv, _case, notice = signed_notice(mobile=None)
    dispatching.serve(creditor, notice, {ChannelKind.EMAIL})
    commit()
    (path,) = [p for p in smtp_sink.folder.iterdir() if p not in before and p.suffix == ".eml"
               and b"debtor@example.in" in p.read_bytes()]  # not the creditor's "serve it" mail
    raw = path.read_bytes()
    assert raw.startswith(b"DKIM-Signature:")

    def dns(name, timeout=5):
        return record if name == b"sulah1._domainkey.sulah.localhost." else None

    assert dkim.verify(raw, dnsfunc=dns)
    tampered = raw.replace(b"Legal notice", b"Legal n0tice", 1)
    assert not dkim.verify(tampered, dnsfunc=dns)
