"""What a file really is, judged from its content (never its name), against the allow-list."""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype

from portal.i18n import gettext


@dataclass(frozen=True)
class FileKind:
    extension: str
    mime: str
    label: str


ALLOWED = {
    "pdf": FileKind("pdf", "application/pdf", "PDF"),
    "png": FileKind("png", "image/png", "PNG image"),
    "jpg": FileKind("jpg", "image/jpeg", "JPEG image"),
    "xlsx": FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "Excel workbook"),
    "docx": FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "Word document"),
    "csv": FileKind("csv", "text/csv", "CSV"),
    "eml": FileKind("eml", "message/rfc822", "e-mail"),
    "txt": FileKind("txt", "text/plain", "text"),
}
ALLOWED_LABELS = "PDF, PNG, JPEG, XLSX, DOCX, CSV, EML or TXT"
_HEADER = re.compile(rb"^(From|To|Subject|Date|Message-ID|Received|Return-Path|MIME-Version):",
                     re.IGNORECASE | re.MULTILINE)


_PROGRAMS = {"exe", "elf", "dex", "dey", "crx", "rpm", "deb", "swf", "nes", "wasm"}
_PROGRAM_MAGIC = {b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"}


class FileTypeRefused(ValueError):
    """The content is not one of the allowed kinds; the message says what is accepted."""


def _ooxml(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None


def _text_kind(head: bytes, filename: str) -> str | None:
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte character cut at the end of the sample is fine
            return None
        text = head[: exc.start].decode("utf-8")
    if len(_HEADER.findall(head[:4096])) >= 2:
        return "eml"
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if filename.lower().endswith(".csv") or (
            len(lines) >= 2 and len({line.count(",") for line in lines[:10]}) == 1
            and lines[0].count(",") >= 1):
        return "csv"
    return "txt"


def detect(path: Path, head: bytes, filename: str) -> FileKind:
    """Identify an uploaded file from its bytes; refuse anything off the allow-list."""
    guess = filetype.guess(head)
    ext = guess.extension if guess else None
    if ext in ("pdf", "png", "jpg"):
        return ALLOWED[ext]
    if ext in ("zip", "xlsx", "docx"):
        kind = _ooxml(path)
        if kind:
            return ALLOWED[kind]
        raise FileTypeRefused(gettext("Only %(kinds)s files are accepted; this is a ZIP archive.",
                                      kinds=ALLOWED_LABELS))
    if ext in _PROGRAMS or head[:2] == b"MZ" or head[:4] in _PROGRAM_MAGIC:
        raise FileTypeRefused(gettext("Programs cannot be uploaded. Only %(kinds)s files are accepted.",
                                      kinds=ALLOWED_LABELS))
    if guess is not None:
        raise FileTypeRefused(gettext("Only %(kinds)s files are accepted; this is %(mime)s.",
                                      kinds=ALLOWED_LABELS, mime=guess.mime))
    kind = _text_kind(head, filename)
    if kind is None:
        raise FileTypeRefused(gettext("Only %(kinds)s files are accepted; this file's type is unknown.",
                                      kinds=ALLOWED_LABELS))
    return ALLOWED[kind]
