"""PKCS#11 keys: an advocate's DSC on a USB token (ePass2003, ProxKey) or in an HSM, through pyHanko.

One logged-in session per token per worker stays open, so repeated signatures do not log in again.
The PIN comes with each signature and is never stored: the cache keeps a keyed hash of it (the key
lives only in this process) so that it lends the open session only to a caller who knows the PIN.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pkcs11
from cryptography import x509
from pkcs11 import PKCS11Error
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from portal.adapters.esign.base import SigningError
from portal.adapters.esign.democert import is_demo
from portal.adapters.esign.keys import OpenKey, check_in_date

T = TypeVar("T")
_PIN_KEY = os.urandom(32)
_LOCK = threading.Lock()  # guards _OPEN; never taken while a token's own lock is held


@dataclass(eq=False)
class _Token:
    session: pkcs11.Session
    pin_digest: bytes
    lock: threading.Lock = field(default_factory=threading.Lock)  # one signature at a time per session
    keys: dict[tuple[str, str | None], OpenKey] = field(default_factory=dict)


_OPEN: dict[tuple[str, str], _Token] = {}


@dataclass(frozen=True)
class Pkcs11Key:
    """The key labelled `key_label` (and its certificate, labelled `cert_label` or like the key) on the
    token labelled `token_label`, reached through the PKCS#11 module at `module`."""

    module: str
    token_label: str
    key_label: str
    pin: str = field(repr=False)
    cert_label: str | None = None

    @classmethod
    def from_config(cls, config: Mapping, *, token_label: str, key_label: str, pin: str,
                    cert_label: str | None = None) -> Pkcs11Key:
        module = config.get("PKCS11_MODULE")
        if not module:
            raise SigningError("Signing with a token is not set up here (PKCS11_MODULE is not configured).")
        return cls(module, token_label, key_label, pin, cert_label)

    def sign_with(self, use: Callable[[OpenKey], T]) -> T:
        # A session can die under us (token pulled out and back, module reinitialised): log in once more.
        for attempt in (1, 2):
            token = self._token()
            with token.lock:
                try:
                    return use(self._key(token))
                except SigningError:
                    raise
                except Exception as exc:
                    failure = _pkcs11_cause(exc)
                    if failure is None:
                        raise
            _discard((self.module, self.token_label), token)
            if attempt == 2:
                raise SigningError(f"The token '{self.token_label}' could not sign "
                                   f"({_describe(failure)}).") from failure
        raise AssertionError("not reached: the second attempt returns or raises")

    def _token(self) -> _Token:
        digest = hmac.new(_PIN_KEY, self.pin.encode(), hashlib.sha256).digest()
        slot = (self.module, self.token_label)
        with _LOCK:
            token = _OPEN.get(slot)
            if token is not None and hmac.compare_digest(token.pin_digest, digest):
                return token
            if token is not None:  # another PIN: log out and let the token judge the new one
                _close(_OPEN.pop(slot))
            token = _OPEN[slot] = _Token(self._login(), digest)
            return token

    def _login(self) -> pkcs11.Session:
        if not Path(self.module).is_file():
            raise SigningError(f"The PKCS#11 module {self.module} is not installed on this server.")
        try:
            return open_pkcs11_session(self.module, token_criteria=TokenCriteria(label=self.token_label),
                                       user_pin=self.pin)
        except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange) as exc:
            raise SigningError(f"The PIN for the token '{self.token_label}' is wrong.") from exc
        except pkcs11.PinLocked as exc:
            raise SigningError(f"The token '{self.token_label}' is locked after too many wrong PINs; "
                               "unlock it with the token's own software.") from exc
        except pkcs11.PinExpired as exc:
            raise SigningError(f"The PIN of the token '{self.token_label}' has expired; change it with "
                               "the token's own software.") from exc
        except PKCS11Error as exc:
            if str(exc).startswith("No token"):
                raise SigningError(f"No token labelled '{self.token_label}' is connected.") from exc
            raise SigningError(f"The token '{self.token_label}' could not be opened "
                               f"({_describe(exc)}).") from exc

    def _key(self, token: _Token) -> OpenKey:
        """The signer for this key on the open session, found once (the caller holds token.lock)."""
        labels = (self.key_label, self.cert_label)
        if labels not in token.keys:
            signer = PKCS11Signer(token.session, key_label=self.key_label, cert_label=self.cert_label)
            try:
                cert = x509.load_der_x509_certificate(signer.signing_cert.dump())  # pulls cert and key
            except PKCS11Error as exc:
                if type(exc) is not PKCS11Error:  # a typed error is the session's, not a missing object
                    raise
                raise SigningError(f"The token '{self.token_label}' has no usable key and certificate "
                                   f"labelled '{self.cert_label or self.key_label}' ({exc}).") from exc
            check_in_date(cert)
            token.keys[labels] = OpenKey(signer, is_demo(cert), cert)
        return token.keys[labels]


def _pkcs11_cause(exc: BaseException) -> PKCS11Error | None:
    """The token's error behind `exc`, if any (pyHanko may wrap what the signer raised)."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, PKCS11Error):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _describe(exc: PKCS11Error) -> str:
    return str(exc) or type(exc).__name__  # python-pkcs11's typed errors usually carry no message


def _close(token: _Token) -> None:
    # A session already gone with the token or the module has nothing left to log out of.
    with token.lock, contextlib.suppress(PKCS11Error):
        token.session.close()


def _discard(slot: tuple[str, str], token: _Token) -> None:
    with _LOCK:
        if _OPEN.get(slot) is token:
            del _OPEN[slot]
    _close(token)


def open_tokens() -> list[str]:
    """Labels of the tokens this worker holds a logged-in session on (for tests and benchmarks)."""
    with _LOCK:
        return sorted(label for _, label in _OPEN)


def close_token_sessions() -> None:
    """Log out of every open token (a worker stopping, a test finishing)."""
    with _LOCK:
        tokens = list(_OPEN.values())
        _OPEN.clear()
    for token in tokens:
        _close(token)
