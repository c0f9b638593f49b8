"""Which URLs an endpoint may have. In production: https only, and the host must resolve only to
public addresses (no loopback, private, link-local such as the cloud metadata address 169.254.169.254,
or reserved ranges), checked when the endpoint is registered and again at every delivery
(portal.adapters.webhook_http connects to the address it checked). Development and the tests allow
http and private addresses: SULAH_ENV=development sets WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE,
each of which the environment may also set (portal.config)."""
from __future__ import annotations

from urllib.parse import urlsplit

from portal.adapters import UnsafeAddress, resolve_public
from portal.errors import DomainError

MAX_URL = 500


def check_url(url: str, *, allow_http: bool, allow_private: bool) -> str:
    """The URL, stripped, or a DomainError saying what is wrong with it."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL or not url.isprintable() or any(c.isspace() for c in url):
        raise DomainError(f"Give the endpoint's full address, up to {MAX_URL} characters, with no spaces.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DomainError("That is not a web address Sulah can call.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise DomainError("The address must start with https:// and name a host.")
    if parts.scheme == "http" and not allow_http:
        raise DomainError("The address must use https://, so that the events travel encrypted.")
    if parts.username or parts.password:
        raise DomainError("Put no user name or password in the address; verify our signature instead.")
    if parts.fragment:
        raise DomainError("The address must not have a # part.")
    if port == 0:
        raise DomainError("That port cannot be called.")
    try:
        resolve_public(parts.hostname, port or (443 if parts.scheme == "https" else 80),
                       allow_private=allow_private)
    except UnsafeAddress as exc:
        raise DomainError(str(exc)) from None
    return url
