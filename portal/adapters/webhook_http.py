"""Posting a signed webhook to an organisation's endpoint: one HTTP request, no redirects followed,
a timeout, and (unless private addresses are allowed) a connection only to the public address the
host name was checked to resolve to, so a DNS answer that changes between the check and the
connection cannot point the request into our own network. Standard library only (http.client)."""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookupTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

EXCERPT_BYTES = 1000
# getaddrinfo takes no timeout and can block for the resolver's full retry cycle (30 s and more on a
# dead name server), holding a web request or a worker. The lookup runs on a small shared pool and
# is waited for at most DNS_TIMEOUT seconds; a lookup that overruns finishes on its own thread, and
# the caller gets a clear "did not answer" instead.
DNS_TIMEOUT = 3.0
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-dns")


class UnsafeAddress(ValueError):
    """The host does not resolve, or resolves to an address that must not be called."""


@dataclass(frozen=True)
class HttpResult:
    status: int | None          # None when no answer came (refused, timed out, TLS failed)
    elapsed_ms: int
    excerpt: str                # the start of the answer's body, or the error
    error: str | None = None


def resolve_public(host: str, port: int, *, allow_private: bool, timeout: float = DNS_TIMEOUT) -> str:
    """The address to connect to; with `allow_private` False, every address the name resolves to
    must be public (one private answer refuses the lot). A lookup slower than `timeout` seconds
    is refused."""
    lookup = _LOOKUPS.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=timeout)
    except LookupTimeout:
        raise UnsafeAddress(f"The host “{host}” did not answer in time; check the name and try "
                            "again.") from None
    except (socket.gaierror, UnicodeError, ValueError):
        raise UnsafeAddress(f"The host “{host}” could not be found.") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeAddress(f"The host “{host}” could not be found.")
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise UnsafeAddress(f"The host “{host}” is a private or reserved address; give one "
                                    "reachable from the internet.")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # checks the name


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool,
         context: ssl.SSLContext | None = None) -> HttpResult:
    """POST once. Any answer is returned as it is (a redirect is not followed: it is a failure the
    caller records); no answer is an HttpResult with `error`."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        address = resolve_public(parts.hostname or "", port, allow_private=allow_private)
        conn: http.client.HTTPConnection = (
            _PinnedHTTPS(parts.hostname or "", port, address, timeout,
                         context or ssl.create_default_context()) if https
            else _PinnedHTTP(parts.hostname or "", port, address, timeout))
        try:
            conn.request("POST", path, body=body, headers={
                **headers, "user-agent": "Sulah-Webhooks/1", "content-length": str(len(body))})
            response = conn.getresponse()
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
            return HttpResult(response.status, took(), excerpt)
        finally:
            conn.close()
    except UnsafeAddress as exc:
        return HttpResult(None, took(), "", str(exc))
    except TimeoutError:
        return HttpResult(None, took(), "", f"No answer within {timeout:g} s (timed out).")
    except ConnectionRefusedError:
        return HttpResult(None, took(), "", "The receiver refused the connection (nothing listens there).")
    except ssl.SSLError as exc:
        return HttpResult(None, took(), "", f"TLS failed: {exc.reason or exc}")
    except (OSError, http.client.HTTPException) as exc:
        return HttpResult(None, took(), "", f"{type(exc).__name__}: {exc}"[:500])
