"""Bulk import use-cases: stage the uploaded file, plan it, confirm it in one transaction."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from portal import audit
from portal.accounts import User
from portal.cases import create_cases, today_ist
from portal.errors import DomainError
from portal.extensions import db
from portal.imports.models import ImportBatch
from portal.imports.parsing import ImportFileError, read_rows
from portal.imports.planner import ImportPlan, plan_import

MAX_BYTES = 20 * 1024 * 1024
_STAGED = re.compile(r"^[0-9a-f]{64}\.(csv|xlsx|txt)$")


@dataclass
class Staged:
    sha256: str
    filename: str
    path: Path


STAGING_LIFETIME = timedelta(days=1)


def _root() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "imports"


def _folder(org_id: int) -> Path:
    """Each organisation stages in its own folder: knowing a file's hash does not reach another's."""
    folder = _root() / str(int(org_id))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage(stream: BinaryIO, filename: str, org_id: int) -> Staged:
    """Copy the upload to the organisation's staging folder in chunks, hashing as we go; refuse
    oversize files. Nothing stays behind when the upload is refused."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise ImportFileError("Upload a .csv or .xlsx file (use the template).")
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=_folder(org_id), suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ImportFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; "
                                          "split it into smaller files.")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ImportFileError("The file is empty.")
        path = _folder(org_id) / f"{digest.hexdigest()}{suffix}"
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Staged(digest.hexdigest(), Path(filename).name[:255], path)


def find_staged(org_id: int, sha256: str, suffix: str) -> Path | None:
    """The organisation's staged file, if it is there and younger than a day."""
    name = f"{sha256}.{suffix}"
    if not _STAGED.match(name):
        return None
    path = _folder(org_id) / name
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None
    return path if age < STAGING_LIFETIME.total_seconds() else None


def plan_upload(actor: User, stream: BinaryIO, filename: str) -> tuple[Staged, ImportPlan]:
    """Stage the upload and plan it; a file that cannot be read is removed again at once."""
    staged = stage(stream, filename, actor.org_id)
    try:
        return staged, plan_file(actor, staged.path, staged.filename)
    except BaseException:
        staged.path.unlink(missing_ok=True)
        raise


def sweep_staging(now: float | None = None) -> int:
    """Remove staged files (and interrupted .part copies) older than a day; returns how many."""
    cutoff = (time.time() if now is None else now) - STAGING_LIFETIME.total_seconds()
    removed = 0
    for path in _root().glob("*/*") if _root().exists() else ():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def previous_batch(org_id: int, sha256: str) -> ImportBatch | None:
    return db.session.scalar(select(ImportBatch).where(ImportBatch.org_id == org_id,
                                                       ImportBatch.sha256 == sha256))


def plan_file(actor: User, path: Path, filename: str) -> ImportPlan:
    header, rows = read_rows(path, filename)
    return plan_import(actor.organization, rows, today_ist())


def confirm(actor: User, path: Path, filename: str, sha256: str) -> tuple[ImportBatch, ImportPlan]:
    """Create every valid case of the file in the caller's transaction; re-running creates nothing."""
    if previous_batch(actor.org_id, sha256):
        raise DomainError("This file was already imported; nothing new was created.")
    plan = plan_file(actor, path, filename)
    create_cases(actor, [planned.facts for planned in plan.cases],
                 advocates=[planned.advocate for planned in plan.cases])
    batch = ImportBatch(org_id=actor.org_id, sha256=sha256, filename=filename, rows=plan.rows,
                        cases_created=len(plan.cases), invoices_created=plan.invoices,
                        rows_skipped=plan.error_lines + len(plan.duplicates), created_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    audit.record("import.confirmed", actor=actor, payload={
        "batch_id": batch.id, "sha256": sha256, "filename": filename, "rows": plan.rows,
        "cases": batch.cases_created, "invoices": batch.invoices_created,
        "skipped": batch.rows_skipped})
    return batch, plan
