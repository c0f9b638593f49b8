"""Uploaded files written once: each file part of a request body streams, as it is parsed, into a
staging file that hashes and counts what it is given, in the folder the app names (the evidence
store's own staging folder, so that storing the file is a rename, not a copy).

werkzeug's own stream factory spools a part over 500 KB to an anonymous temporary file elsewhere,
which the receiver then copies (and hashes) again. The multipart body is read in larger pieces
(`_LargerReadsFormParser`).
Every staging file's name is removed when the request closes, whether the request succeeded,
was refused or the client went away in the middle of the body.
"""
from __future__ import annotations

import hashlib
import os
import queue
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from flask import Flask, Request, current_app
from werkzeug.formparser import FormDataParser, MultiPartParser

READ_SIZE = 1024 * 1024
HEAD_SIZE = 8192
STAGING = "upload_staging"  # app.extensions key: a callable giving the folder for staging files


class _Sha256OnItsOwnThread:
    """SHA-256 computed on a thread of its own, so that hashing one piece overlaps receiving, parsing
    and writing the next (hashlib releases the GIL while it hashes a large buffer). At most two
    pieces wait, so memory stays bounded."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self._pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self._thread: threading.Thread | None = None

    def update(self, piece: bytes) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="upload-sha256", daemon=True)
            self._thread.start()
        self._pieces.put(piece)

    def _run(self) -> None:
        while (piece := self._pieces.get()) is not None:
            self._sha.update(piece)

    def finish(self) -> None:
        """Wait for the pieces already given; the thread ends."""
        if self._thread is not None:
            self._pieces.put(None)
            self._thread.join()
            self._thread = None

    def hexdigest(self) -> str:
        self.finish()
        return self._sha.hexdigest()


class StagingFile:
    """A file being received: written once, hashed and counted on the way in; readable afterwards.

    `close()` removes its name; a store that linked it under its hash keeps that link.
    """

    def __init__(self, folder: Path) -> None:
        fd, name = tempfile.mkstemp(dir=folder, suffix=".upload")
        self.path = Path(name)
        self._file: IO[bytes] = os.fdopen(fd, "w+b", buffering=READ_SIZE)
        self._digest = _Sha256OnItsOwnThread()
        self.size = 0
        self.head = b""  # the first bytes, for recognising the file's type
        self._sealed = False  # once read or rewound, the hash is final: no more writes

    def write(self, data: bytes) -> int:
        if self._sealed:
            raise OSError("a staging file is written once, from its start to its end")
        data = data if isinstance(data, bytes) else bytes(data)  # the hashing thread reads it later
        self._digest.update(data)
        self.size += len(data)
        if len(self.head) < HEAD_SIZE:
            self.head += bytes(data[: HEAD_SIZE - len(self.head)])
        return self._file.write(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def sync(self) -> None:
        """Flush the file to the disk (before it becomes a stored blob)."""
        self._file.flush()
        os.fsync(self._file.fileno())

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._sealed = True
        return self._file.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        self._sealed = True
        return self._file.read(size)

    def close(self) -> None:
        self._digest.finish()
        self._file.close()
        self.path.unlink(missing_ok=True)

    @property
    def closed(self) -> bool:
        return self._file.closed

    def __getattr__(self, name: str) -> Any:  # readline, tell, fileno, readable...: the file's own
        return getattr(self._file, name)

    def __iter__(self):
        self._sealed = True
        return iter(self._file)

    def __enter__(self) -> StagingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def staging_folder() -> Path:
    """Where uploads are staged: the folder the app names, or the system's temporary folder."""
    provider: Callable[[], Path] | None = current_app.extensions.get(STAGING)
    return provider() if provider else Path(tempfile.gettempdir())


class _LargerReadsFormParser(FormDataParser):
    """werkzeug's parser, reading the body in larger pieces than its 64 KiB: 1 MiB, or half the form
    memory cap when that is smaller (werkzeug refuses any piece it is fed that would take its buffer
    past that cap: with Flask's default of 500 KB, pieces of 250 KB)."""

    def _parse_multipart(self, stream, mimetype, content_length, options):
        cap = self.max_form_memory_size
        parser = MultiPartParser(stream_factory=self.stream_factory, max_form_memory_size=cap,
                                 max_form_parts=self.max_form_parts, cls=self.cls,
                                 buffer_size=READ_SIZE if cap is None else min(READ_SIZE, cap // 2))
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


class StagedUploadRequest(Request):
    form_data_parser_class = _LargerReadsFormParser

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
        staged = StagingFile(staging_folder())
        self.__dict__.setdefault("_staging_files", []).append(staged)
        return staged  # type: ignore[return-value]

    def close(self) -> None:
        super().close()
        # Includes a part cut off by a disconnect or a refusal, which never reached `files`.
        for staged in self.__dict__.get("_staging_files", ()):
            staged.close()


def init_uploads(app: Flask) -> None:
    app.request_class = StagedUploadRequest
