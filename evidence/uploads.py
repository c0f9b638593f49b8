"""Streaming ingest of an uploaded file: chunked copy, SHA-256 and size cap on the fly, type check."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from evidence import active_content
from evidence.filetypes import FileKind, detect
from evidence.storage import Storage

CHUNK = 64 * 1024
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
        raise UploadRefused("The file name contains a folder path (such as “../”). Rename the file "
                            "to a plain name and upload it again.")


def ingest(stream: BinaryIO, filename: str, storage: Storage, max_bytes: int) -> Ingested:
    """Copy the upload to staging in chunks, hashing and counting; refuse early, keep nothing bad."""
    check_filename(filename)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp_name = tempfile.mkstemp(dir=storage.staging_dir(), suffix=".upload")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(f"The file is larger than {max_bytes // (1024 * 1024)} MB. "
                                        "Split it or upload a smaller scan.")
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused("The file is empty.")
        try:
            kind = detect(tmp, head, filename or "")
            active_content.check(tmp, head, kind.extension)
        except ValueError as exc:
            raise UploadRefused(str(exc)) from exc
        sha = digest.hexdigest()
        created = storage.put(tmp, sha)
        return Ingested(sha256=sha, size=size, kind=kind,
                        filename=sanitize_filename(filename, kind.extension), created=bool(created))
    finally:
        tmp.unlink(missing_ok=True)
