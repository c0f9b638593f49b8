"""The adapter over TLS: it connects to the address it checked and verifies the certificate against
the host name in the URL (a certificate for another name is refused, logged as a TLS failure)."""
from __future__ import annotations

import ssl

from werkzeug.wrappers import Response

from portal.adapters import webhook_http
from tests.fakes.pki import ServerThread, issue


def test_https_checks_the_certificate_for_the_url_s_host_name(tmp_path):
    tls = issue("localhost", hosts=("localhost",))
    (tmp_path / "cert.pem").write_bytes(tls.cert_pem)
    (tmp_path / "key.pem").write_bytes(tls.key_pem)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    seen = []

    def app(environ, start_response):
        seen.append(environ.get("HTTP_HOST"))
        return Response("ok", status=204)(environ, start_response)

    server = ServerThread(app, ssl_context=server_context)
    try:
        trusting = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        ok = webhook_http.post(f"https://localhost:{server.port}/h", b"{}", {}, timeout=5,
                               allow_private=True, context=trusting)
        assert ok.status == 204 and ok.error is None and seen == [f"localhost:{server.port}"]
        wrong_name = webhook_http.post(f"https://127.0.0.1:{server.port}/h", b"{}", {}, timeout=5,
                                       allow_private=True, context=trusting)
        assert wrong_name.status is None and wrong_name.error.startswith("TLS failed")
        untrusted = webhook_http.post(f"https://localhost:{server.port}/h", b"{}", {}, timeout=5,
                                      allow_private=True)
        assert untrusted.status is None and untrusted.error.startswith("TLS failed")
        refused = webhook_http.post(f"https://localhost:{server.port}/h", b"{}", {}, timeout=5,
                                    allow_private=False, context=trusting)
        assert refused.status is None and "private" in refused.error and len(seen) == 1
    finally:
        server.stop()
