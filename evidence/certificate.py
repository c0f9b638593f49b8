"""Part A of the certificate for electronic evidence (BSA 2023 s.63(4)(c) and its Schedule): who
certifies, in which capacity, where, and on which system. Everything comes from settings that
production must set (PLATFORM_OPERATOR_* in portal/config.py); a sealed certificate is complete when
sealed, so a missing setting refuses the certificate instead of leaving a blank to fill after the seal.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from portal.errors import DomainError

# Part A's fields and the setting each comes from.
SETTINGS = {"name": "PLATFORM_OPERATOR_NAME", "address": "PLATFORM_OPERATOR_ADDRESS",
            "signatory": "PLATFORM_OPERATOR_SIGNATORY", "designation": "PLATFORM_OPERATOR_DESIGNATION",
            "place": "PLATFORM_OPERATOR_PLACE", "system": "PLATFORM_OPERATOR_SYSTEM"}


class CertificateIncomplete(DomainError):
    """A Part A setting is missing: no certificate is sealed with a blank in it."""


@dataclass(frozen=True)
class PartA:
    name: str          # the operator (the party that controls the computer resource)
    address: str
    signatory: str
    designation: str
    place: str         # where the certificate is made (and Sulah's place of business for s.13(3))
    system: str        # the computer resource, named as it is run (provider, region, services)


def store_description() -> str:
    kind = "S3-compatible object store" if current_app.config["EVIDENCE_STORE"].startswith("s3") \
        else "content-addressed file store"
    return f"documents kept in a write-once {kind} keyed by SHA-256, with a hash-chained audit ledger"


def system_description() -> str:
    """The computer resource in words: the configured system, never a host's name."""
    system = (current_app.config["PLATFORM_OPERATOR"].get("system") or "").strip() or "the Sulah platform"
    return f"{system}; {store_description()}"


def part_a() -> PartA:
    operator = current_app.config["PLATFORM_OPERATOR"]
    values = {key: (operator.get(key) or "").strip() for key in SETTINGS}
    missing = [SETTINGS[key] for key, value in values.items() if not value]
    if missing:
        raise CertificateIncomplete("The BSA s.63 certificate cannot be issued: set "
                                    + ", ".join(missing) + ".")
    return PartA(**{**values, "system": system_description()})
