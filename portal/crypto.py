"""Encryption of secrets at rest with a key derived from the configured data key."""
from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


@functools.lru_cache(maxsize=4)
def _fernet(data_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sulah-at-rest-v1").derive(
        data_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plaintext: str) -> str:
    return _fernet(current_app.config["DATA_KEY"]).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(current_app.config["DATA_KEY"]).decrypt(token.encode()).decode()
