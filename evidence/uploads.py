"""Streaming ingest of an uploaded file: written once to the store's staging folder with its SHA-256
and size counted on the way in, type-checked there, then linked into the store (no second copy)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from evidence import active_content
from evidence.filetypes import FileKind, detect
from evidence.storage import Storage
from portal.i18n import gettext
from portal.web.uploads import READ_SIZE, StagingFile

CHUNK = READ_SIZE  # 1 MiB reads
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
                      | {f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³"})


class UploadRefused(ValueError):
    """The upload was refused; the message is safe to show and nothing was stored."""


@dataclass
class Ingested:
    sha256: str
    size: int
    kind: FileKind
    filename: str
    created: bool = True  # False: the store already held this content


def sanitize_filename(raw: str, extension: str) -> str:
    """A display name safe on every filesystem and in headers; keeps Devanagari and other scripts.

    Control and format characters (categories Cc and Cf, which include the bidirectional overrides
    U+202A–U+202E and U+2066–U+2069: "invoice" + U+202E + "fdp.exe" displays as "invoiceexe.pdf") are removed;
    Windows' reserved device names get a leading underscore.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    name = re.sub(r"\s+", " ", name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:120].strip().rstrip(".") or "document"
    if stem.split(".")[0].strip().upper() in _RESERVED:  # CON, NUL, COM1...: Windows cannot save these
        stem = f"_{stem}"
    return f"{stem}.{extension}"


def check_filename(raw: str) -> None:
    """Refuse names that try to climb out of a folder or point at an absolute path."""
    parts = re.split(r"[/\\]", raw or "")
    if ".." in parts or (raw or "").startswith(("/", "\\")):
        raise UploadRefused(gettext("The file name contains a folder path (such as “../”). Rename the "
                                    "file to a plain name and upload it again."))


def _too_large(max_bytes: int) -> UploadRefused:
    return UploadRefused(gettext("The file is larger than %(mb)s MB. Split it or upload a smaller scan.",
                                 mb=max_bytes // (1024 * 1024)))


def ingest(stream: BinaryIO, filename: str, storage: Storage, max_bytes: int) -> Ingested:
    """Store an upload; refuse early, keep nothing bad.

    `stream` is either the staging file the request's parser already wrote the part into (hashed on
    the way in: it is checked and linked into the store as it is), or any readable stream, copied
    into a staging file in 1 MiB reads and refused as soon as it passes the cap."""
    check_filename(filename)
    staged = stream if isinstance(stream, StagingFile) else StagingFile(storage.staging_dir())
    try:
        if staged is not stream:
            while chunk := stream.read(CHUNK):
                if staged.size + len(chunk) > max_bytes:
                    raise _too_large(max_bytes)
                staged.write(chunk)
        if staged.size > max_bytes:
            raise _too_large(max_bytes)
        if staged.size == 0:
            raise UploadRefused(gettext("The file is empty."))
        staged.sync()
        try:
            kind = detect(staged.path, staged.head, filename or "")
            active_content.check(staged.path, staged.head, kind.extension)
        except ValueError as exc:
            raise UploadRefused(str(exc)) from exc
        sha = staged.sha256
        created = storage.adopt(staged.path, sha)
        return Ingested(sha256=sha, size=staged.size, kind=kind,
                        filename=sanitize_filename(filename, kind.extension), created=bool(created))
    finally:
        staged.close()  # the staging name goes; a stored blob is its own link (or its own object)
