"""The case bundle: every document, an index PDF with hashes, a BSA s.63 Part A certificate ready to
sign, and a `sha256sum`-format hash list, as one ZIP spooled to disk rather than held in memory."""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile

from flask import render_template

from evidence.certificate import system_description
from evidence.hooks import bundle_language
from evidence.models import Audience
from evidence.services import documents_for, store
from portal import audit
from portal.accounts import User
from portal.cases import Case
from portal.pdf import html_to_pdf
from portal.types import to_ist, utcnow


def _entry_name(n: int, filename: str) -> str:
    return f"documents/{n:02d}-{filename}"


def build_bundle(actor: User, case: Case) -> tempfile.SpooledTemporaryFile:
    # A conciliation caucus attachment meant only for the debtor and the neutral stays out.
    docs = [d for d in documents_for(case, include_withdrawn=False) if d.audience != Audience.DEBTOR]
    now = utcnow()
    rows = [{"n": n, "doc": d, "path": _entry_name(n, d.filename)} for n, d in enumerate(docs, 1)]
    context = {"case": case, "rows": rows, "actor": actor, "generated_at": now,
               "generated_ist": to_ist(now), "system": system_description()}
    index_pdf = html_to_pdf(render_template("pdf/bundle_index.html", **context))
    # The certificate in the language of the notice the case's evidence supports (the index stays a
    # plain list of files).
    certificate = f"pdf/certificate_s63{'.hi' if bundle_language(case) == 'hi' else ''}.html"
    certificate_pdf = html_to_pdf(render_template(certificate, **context))
    hashes = [(r["doc"].sha256, r["path"]) for r in rows]
    hashes += [(hashlib.sha256(index_pdf).hexdigest(), "index.pdf"),
               (hashlib.sha256(certificate_pdf).hexdigest(), "certificate-s63.pdf")]
    # Returned open to the view, which streams it and closes it when the response ends.
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for r in rows:
            with store().open(r["doc"].sha256) as src, zf.open(r["path"], "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
        zf.writestr("index.pdf", index_pdf)
        zf.writestr("certificate-s63.pdf", certificate_pdf)
        zf.writestr("hashes.sha256", "".join(f"{h}  {p}\n" for h, p in hashes))
    spooled.seek(0)
    digest = hashlib.sha256()
    while chunk := spooled.read(1024 * 1024):
        digest.update(chunk)
    spooled.seek(0)
    audit.record("evidence.bundle_exported", actor=actor, case=case, payload={
        "zip_sha256": digest.hexdigest(), "documents": [h for h, _ in hashes[:-2]],
        "index_sha256": hashes[-2][0], "certificate_sha256": hashes[-1][0]})
    return spooled
