"""URL helpers: only same-site relative redirects are followed; links in e-mails use the public URL."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (so `?next=` cannot redirect elsewhere).

    Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so
    "/\\tevil.example" or "/\\\\evil.example" would become "//evil.example": refuse all of them.
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def public_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails and documents, built on PUBLIC_BASE_URL (works outside requests)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{base}{path}"
