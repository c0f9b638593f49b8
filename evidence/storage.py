"""Write-once, content-addressed blob storage: the filesystem by default, S3-compatible at scale.

Chosen by a config string (EVIDENCE_STORE): `fs:/path/to/dir` or
`s3://bucket?endpoint_url=http://host:9000&region=ap-south-1`. Objects are keyed by their SHA-256
(`ab/cd/abcd…`) and never overwritten: storing the same content twice is a no-op.
"""
from __future__ import annotations

import base64
import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)


class Storage(Protocol):
    def staging_dir(self) -> Path:
        """A local folder for uploads in progress (same filesystem as the store where possible)."""
        ...

    def put(self, local: Path, sha256: str) -> bool:
        """Store the file at `local` (whose SHA-256 the caller computed) under its hash; True if
        this call created the blob."""
        ...

    def adopt(self, staged: Path, sha256: str) -> bool:
        """Store a file already written and synced in `staging_dir()` under its hash, without copying
        it where the store can (a link); True if this call created the blob. The caller removes
        `staged` afterwards."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def discard(self, sha256: str) -> None:
        """Remove a blob no record cites (never one a record cites: callers check)."""
        ...

    def blobs(self, older_than: float) -> Iterator[str]:
        """Hashes of the blobs written before `older_than` (POSIX time), for the orphan sweep."""
        ...


def key_for(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class FilesystemStorage:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def staging_dir(self) -> Path:
        path = self.root / ".staging"
        path.mkdir(exist_ok=True)
        return path

    def _path(self, sha256: str) -> Path:
        return self.root / key_for(sha256)

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def put(self, local: Path, sha256: str) -> bool:
        """Store the file under its hash; True if this call created the blob (False: it was there)."""
        target = self._path(sha256)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, open(local, "rb") as src:
                shutil.copyfileobj(src, out, 1024 * 1024)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o444)
            # Fails if another writer got there first: never overwrite.
            try:
                os.link(tmp, target)
            except FileExistsError:
                return False
        finally:
            os.unlink(tmp)
        return True

    def adopt(self, staged: Path, sha256: str) -> bool:
        """Give the staged file (same filesystem: `staging_dir()` is inside the store) a second name,
        its content-addressed one: no byte is copied. A hard link rather than `os.replace`, because a
        link refuses to overwrite: two uploads of the same content at once must not both believe they
        created the blob (the one whose transaction rolls back would remove the other's)."""
        target = self._path(sha256)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(staged, 0o444)
        try:
            os.link(staged, target)
        except FileExistsError:
            return False
        except OSError:  # another filesystem after all (a staging folder mounted elsewhere): copy
            return self.put(staged, sha256)
        return True

    def open(self, sha256: str) -> BinaryIO:
        return open(self._path(sha256), "rb")

    def discard(self, sha256: str) -> None:
        """Remove a blob that no record cites (a refused upload's, or an orphan the sweep found)."""
        with contextlib.suppress(FileNotFoundError):
            self._path(sha256).unlink()

    def blobs(self, older_than: float) -> Iterator[str]:
        """The hashes of blobs last written before `older_than` (a POSIX time)."""
        for path in self.root.glob("??/??/*"):
            with contextlib.suppress(FileNotFoundError):
                if len(path.name) == 64 and path.stat().st_mtime < older_than:
                    yield path.name


class S3Storage:
    """Any S3-compatible store (AWS S3, MinIO, Ceph) through boto3."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
                 staging: Path | None = None, client=None) -> None:
        import boto3

        self.bucket = bucket
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url, region_name=region)
        self._staging = staging or Path(tempfile.gettempdir()) / "sulah-staging"

    def staging_dir(self) -> Path:
        self._staging.mkdir(parents=True, exist_ok=True)
        return self._staging

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key_for(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def put(self, local: Path, sha256: str) -> bool:
        if self.exists(sha256):
            return False
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        with open(local, "rb") as body:
            # The store recomputes the SHA-256 and rejects the upload if a byte changed in transit.
            self.client.put_object(Bucket=self.bucket, Key=key_for(sha256), Body=body,
                                   ChecksumAlgorithm="SHA256", ChecksumSHA256=checksum)
        return True

    def adopt(self, staged: Path, sha256: str) -> bool:
        """An object store cannot take a local file by rename: the staged file is uploaded."""
        return self.put(staged, sha256)

    def discard(self, sha256: str) -> None:
        """Remove an uncited blob; a bucket under object lock refuses, and keeps it (logged)."""
        from botocore.exceptions import ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=key_for(sha256))
        except ClientError as exc:
            log.warning("evidence store kept uncited blob %s: %s", sha256, exc)

    def blobs(self, older_than: float) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                if len(name) == 64 and item["LastModified"].timestamp() < older_than:
                    yield name

    def open(self, sha256: str) -> BinaryIO:
        return self.client.get_object(Bucket=self.bucket, Key=key_for(sha256))["Body"]


def storage_from_config(url: str, instance: Path | None = None) -> Storage:
    if url.startswith("fs:"):
        return FilesystemStorage(url[3:])
    parts = urlsplit(url)
    if parts.scheme == "s3" and parts.netloc:
        q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return S3Storage(parts.netloc, endpoint_url=q.get("endpoint_url"), region=q.get("region"),
                         staging=(instance / "staging") if instance else None)
    raise ValueError(f"EVIDENCE_STORE must be fs:/path or s3://bucket, not {url!r}")
