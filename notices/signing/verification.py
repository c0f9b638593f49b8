"""Public verification of a notice: does this PDF match the signed notice of record?

Shows only what a recipient needs to trust a notice (who signed, when, whether it was served),
never the case's other data.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select

from notices.models import Notice
from notices.states import NoticeStatus
from portal.extensions import db
from portal.i18n import gettext
from portal.i18n import lazy_gettext as _l

MAX_UPLOAD = 15 * 1024 * 1024


class UploadRefused(ValueError):
    """The uploaded file cannot be checked; the message says why."""


@dataclass
class PublicRecord:
    code: str
    creditor: str
    debtor: str
    advocate: str
    signed_at: datetime
    sha256: str
    served: bool
    what: str = "legal notice"   # or a served document's title ("arbitral award")
    signer_role: str = "advocate"
    what_hi: str = "क़ानूनी नोटिस"  # the document's own title in Hindi (ServedDocument.title_hi)


# Who signs, as the public page names them (translated by their English text on the page).
SIGNERS = (_l("advocate"), _l("the arbitral tribunal"), _l("the parties to the settlement"))


def _document_record(code: str) -> PublicRecord | None:
    """A served document (an award, an order) carries its own code on the same page."""
    from notices.serving.documents import by_code

    document = by_code(code.upper())
    if document is None:
        return None
    case = document.case
    return PublicRecord(code=document.verification_code, creditor=case.creditor.legal_name,
                        debtor=case.debtor.legal_name, advocate=document.signatory or document.sender,
                        signed_at=document.signed_at, sha256=document.signed_pdf_sha256,
                        served=document.status.value != "ready", what=document.title.lower(),
                        signer_role=document.sender, what_hi=document.title_hi)


def public_record(code: str) -> PublicRecord | None:
    notice = db.session.scalar(select(Notice).where(Notice.verification_code == code.upper()))
    if notice is None:
        return _document_record(code)
    return notice_record(notice)


def notice_record(notice: Notice) -> PublicRecord | None:
    """What the verification page says of a notice already loaded (None: not a signed notice)."""
    if notice.status != NoticeStatus.SIGNED or not notice.signed_pdf_sha256:
        return None
    case = notice.case
    served = case.status.value not in ("notice_signed",)
    return PublicRecord(code=notice.verification_code, creditor=case.creditor.legal_name,
                        debtor=case.debtor.legal_name,
                        advocate=notice.advocate.name if notice.advocate else "",
                        signed_at=notice.signed_at, sha256=notice.signed_pdf_sha256, served=served)


def hash_upload(stream: BinaryIO) -> str:
    """SHA-256 of an uploaded PDF, read in chunks; refuses empty, oversize and non-PDF files."""
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := stream.read(64 * 1024):
        if not head:
            head = chunk[:5]
        size += len(chunk)
        if size > MAX_UPLOAD:
            raise UploadRefused(gettext("That file is larger than any Sulah notice (15 MB)."))
        digest.update(chunk)
    if size == 0:
        raise UploadRefused(gettext("The file is empty."))
    if head != b"%PDF-":
        raise UploadRefused(gettext("That is not a PDF file."))
    return digest.hexdigest()
