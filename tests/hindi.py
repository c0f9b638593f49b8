"""What a Hindi page says, for the tests that check one: a message's Hindi from the catalogue, whether
a text is in Devanagari, and a page's body (its status checked first)."""
from __future__ import annotations

from portal.i18n import force_locale, gettext

DEVANAGARI = range(0x0900, 0x0980)


def hindi(message: str, **values) -> str:
    with force_locale("hi"):
        return gettext(message, **values)


def devanagari(text: str) -> bool:
    return any(ord(ch) in DEVANAGARI for ch in text)


def body(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:800]
    return resp.get_data(as_text=True)
