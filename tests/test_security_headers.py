"""Security headers and cookie flags, in development and in a production-configured app (HTTPS only,
HSTS, Secure cookies, no dev outbox, client IPs from a trusted proxy)."""
import pytest

from portal import create_app
from portal.config import Config
from portal.extensions import db
from tests.celery_apps import keep_celery_current
from tests.conftest import csrf_from


def assert_hardened(resp):
    h = resp.headers
    csp = h["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'",
                      "form-action 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert h["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert "X-XSS-Protection" not in h  # the legacy auditor is off, as browsers now recommend


def session_cookie(resp) -> str:
    [cookie] = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


@pytest.mark.parametrize("path", ["/login", "/signup", "/", "/health", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    resp = client.get(path)
    assert_hardened(resp)
    assert resp.headers["Cache-Control"] == "no-store"


def test_error_and_json_responses_are_hardened_too(client, auth, db_session):
    from tests.factories import CreditorFactory

    auth.login_as(CreditorFactory())
    resp = client.get("/api/cases/SUL-2026-999999")
    assert resp.status_code == 404 and resp.is_json
    assert_hardened(resp)


def test_static_files_may_be_cached(client):
    resp = client.get("/static/sulah.css")
    resp.close()
    assert resp.status_code == 200
    assert resp.headers.get("Cache-Control") != "no-store"
    assert_hardened(resp)


def test_development_session_cookie_is_httponly_and_lax(client):
    cookie = session_cookie(client.get("/login"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on a laptop
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.fixture
def production_app(app, database_url, tmp_path, monkeypatch):
    """A second app built as `SULAH_ENV=production` would build it, on the test database."""
    monkeypatch.setenv("SULAH_ENV", "production")
    monkeypatch.setenv("SULAH_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("FORCE_HTTPS", raising=False)
    config = Config()
    config.PROXY_HOPS = 1
    with keep_celery_current():  # its Celery app is a non-eager one, on the embedded broker
        prod = create_app(config)
    yield prod
    with prod.app_context():
        db.engine.dispose()


def test_production_settings(production_app):
    cfg = production_app.config
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["REMEMBER_COOKIE_SECURE"]
    assert cfg["SESSION_COOKIE_HTTPONLY"] and cfg["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert cfg["FORCE_HTTPS"] and not cfg["DEV_OUTBOX_ENABLED"]


def test_production_redirects_http_to_https(production_app):
    resp = production_app.test_client().get("/login", base_url="http://sulah.example")
    assert resp.status_code in (301, 302)
    assert resp.headers["Location"] == "https://sulah.example/login"


def test_production_sends_hsts_and_secure_cookies(production_app):
    client = production_app.test_client()
    resp = client.get("/login", base_url="https://sulah.example")
    assert resp.status_code == 200
    assert_hardened(resp)
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    cookie = session_cookie(resp)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_behind_a_proxy_trusts_its_scheme(production_app):
    # TLS ends at the proxy; with PROXY_HOPS=1 the app sees https, so no redirect loop.
    resp = production_app.test_client().get(
        "/login", base_url="http://sulah.example", headers={"X-Forwarded-Proto": "https"})
    assert resp.status_code == 200
    assert "Secure" in session_cookie(resp)
    assert "Strict-Transport-Security" in resp.headers


def test_production_has_no_dev_outbox(production_app):
    assert not any(r.endpoint.startswith("dev.") for r in production_app.url_map.iter_rules())
    resp = production_app.test_client().get("/dev/outbox", base_url="https://sulah.example")
    assert resp.status_code == 404


def test_production_rate_limits_key_on_the_real_client_ip(production_app):
    """Behind the proxy every request comes from its address; the limit must use X-Forwarded-For."""
    client = production_app.test_client()
    https = {"base_url": "https://sulah.example"}

    def attempt(client_ip, email):
        # Over HTTPS Flask-WTF also checks the Referer is this site, as a browser would send it.
        headers = {"X-Forwarded-For": client_ip, "Referer": "https://sulah.example/login"}
        page = client.get("/login", headers=headers, **https)
        return client.post("/login", data={"csrf_token": csrf_from(page), "email": email,
                                           "password": "Wrong-Horse-42"}, headers=headers, **https)

    for n in range(5):
        assert attempt("203.0.113.10", f"guess{n}@example.in").status_code == 422
    assert attempt("203.0.113.10", "guess9@example.in").status_code == 429
    # Another client behind the same proxy is not locked out by the first one's guesses.
    assert attempt("203.0.113.11", "guess10@example.in").status_code == 422


def test_production_refuses_forms_posted_from_another_site(production_app):
    client = production_app.test_client()
    page = client.get("/login", base_url="https://sulah.example")
    resp = client.post("/login", base_url="https://sulah.example",
                       data={"csrf_token": csrf_from(page), "email": "a@example.in", "password": "x"},
                       headers={"Referer": "https://evil.example/phish"})
    assert resp.status_code == 400
    assert "sent from elsewhere" in resp.get_data(as_text=True)
