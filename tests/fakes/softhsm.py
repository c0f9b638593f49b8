"""SoftHSM 2 tokens in a folder of their own, holding test keys imported with python-pkcs11: stand-ins
for an advocate's USB DSC token (ePass2003, ProxKey), never for real keys.

SoftHSM reads SOFTHSM2_CONF, and finds its tokens, when the module initialises: create the tokens,
then `activate()` (which re-initialises the module if this process already loaded it), then import.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute
from pkcs11.util.rsa import decode_rsa_private_key
from pkcs11.util.x509 import decode_x509_certificate

from portal.adapters.esign.tokens import close_token_sessions

from .pki import KeyPair

MODULE_PATHS = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so",
                "/usr/lib64/pkcs11/libsofthsm2.so")
SO_PIN = "87654321"


def softhsm_module() -> str | None:
    """The SoftHSM PKCS#11 module, if SoftHSM (module and softhsm2-util) is installed."""
    if shutil.which("softhsm2-util") is None:
        return None
    return next((path for path in MODULE_PATHS if Path(path).is_file()), None)


def softhsm_or_skip(folder: Path) -> SoftHsm:
    """A SoftHsm in `folder`, or a skipped test where SoftHSM is not installed (it is in CI)."""
    module = softhsm_module()
    if module is None:
        pytest.skip("SoftHSM 2 is not installed (scripts/system-deps.sh installs softhsm2)")
    return SoftHsm(folder, module)


class SoftHsm:
    def __init__(self, folder: Path, module: str) -> None:
        self.module = module
        tokens = folder / "tokens"
        tokens.mkdir(parents=True, exist_ok=True)
        self.conf = folder / "softhsm2.conf"
        self.conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                             "log.level = ERROR\nslots.removable = false\n")

    def init_token(self, label: str, pin: str) -> None:
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin,
                        "--so-pin", SO_PIN], env={**os.environ, "SOFTHSM2_CONF": str(self.conf)},
                       check=True, capture_output=True)

    def activate(self) -> str | None:
        """Make this process's module use these tokens; returns the SOFTHSM2_CONF it replaced."""
        close_token_sessions()  # their sessions die with the re-initialisation
        previous = os.environ.get("SOFTHSM2_CONF")
        os.environ["SOFTHSM2_CONF"] = str(self.conf)
        pkcs11.lib(self.module).reinitialize()
        return previous

    def deactivate(self, previous: str | None) -> None:
        """Undo activate(): log out and put back the SOFTHSM2_CONF it replaced (the module reads it
        at the next activate(); re-initialising now could fail on the system's default token folder)."""
        close_token_sessions()
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous

    def import_key(self, token_label: str, pin: str, key_label: str, pair: KeyPair,
                   cert_label: str | None = None) -> None:
        """Store the RSA key (not extractable, as on a real token) and its certificate on the token."""
        token = pkcs11.lib(self.module).get_token(token_label=token_label)
        key_id = pair.cert.fingerprint(pair.cert.signature_hash_algorithm)[:8]
        key_der = pair.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                         serialization.NoEncryption())
        cert_der = pair.cert.public_bytes(serialization.Encoding.DER)
        with token.open(rw=True, user_pin=pin) as session:
            session.create_object(decode_rsa_private_key(key_der) | {
                Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False, Attribute.LABEL: key_label, Attribute.ID: key_id})
            session.create_object(decode_x509_certificate(cert_der) | {
                Attribute.TOKEN: True, Attribute.LABEL: cert_label or key_label, Attribute.ID: key_id})
