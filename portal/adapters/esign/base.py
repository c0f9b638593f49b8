"""The interface every signing provider implements, and the values that cross it.

A provider either signs at once (PAdES with a DSC held by the platform for the advocate) or
starts a ceremony elsewhere (Aadhaar eSign OTP page, DocuSign embedded signing) and finishes it
when the provider calls back. Providers receive bytes and identities, never ORM objects.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

# Where a visible signature stamp goes on the last page, in PDF points from the bottom-left corner:
# inside the bottom margin that templates/pdf/base.css keeps free (30 mm = 85 pt), so a stamp never
# covers the text, and the page number sits at the top right, clear of both. The platform's seal
# takes the left half, a signatory the right half: on a sealed agreement signed with a DSC they
# sit side by side.
STAMP_BOX_LEFT = (40, 8, 292, 80)
STAMP_BOX_RIGHT = (300, 8, 560, 80)


def field_name(capacity: str) -> str:
    """The signature field named for who signs (an arbitrator's award is not an
    "AdvocateSignature"): ArbitratorSignature, AdvocateSignature, or PartySignature for a party
    signing "For <its name>"."""
    words = capacity.lower()
    if "arbitrator" in words:
        return "ArbitratorSignature"
    if "advocate" in words or not words:
        return "AdvocateSignature"
    return "PartySignature"


class SigningStatus(enum.StrEnum):
    SIGNED = "signed"
    PENDING = "pending"  # the signer must act at `redirect_url`; `complete()` finishes it
    DECLINED = "declined"
    FAILED = "failed"


@dataclass(frozen=True)
class Signer:
    name: str
    email: str
    user_id: int
    # The role printed under the signature, e.g. "Advocate, Bar Council of Maharashtra and Goa".
    capacity: str = ""


@dataclass(frozen=True)
class SignRequest:
    document_id: str          # stable id for idempotency, e.g. "notice-42-v3"
    pdf: bytes
    signer: Signer
    reason: str               # e.g. "Legal notice issued on behalf of the creditor"
    location: str = "India"
    return_url: str = ""      # where a redirect-based ceremony sends the signer back


@dataclass
class SigningResult:
    status: SigningStatus
    provider: str
    provider_ref: str = ""            # envelope id, eSign transaction id, or the document id
    signed_pdf: bytes | None = None
    redirect_url: str | None = None
    evidence: dict[str, bytes] = field(default_factory=dict)  # e.g. certificate of completion
    detail: str = ""
    # When set, the signer's browser must POST these fields to `redirect_url` (an auto-submitting
    # form) instead of following a plain link: the CCA eSign API takes the signed request that way.
    redirect_form: dict[str, str] = field(default_factory=dict)


class SigningError(Exception):
    """The provider refused or failed; the message is safe to show."""


class SigningProvider(Protocol):
    name: str

    def sign(self, request: SignRequest) -> SigningResult:
        """Sign now, or start a ceremony and return PENDING with a redirect URL."""
        ...

    def complete(self, provider_ref: str, callback: dict) -> SigningResult:
        """Finish a PENDING ceremony from the provider's callback (already authenticated)."""
        ...
