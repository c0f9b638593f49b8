"""The MSME ODR portal filing pack: one ZIP with everything a micro or small supplier's reference
under MSMED s.18 needs, in the order the portal asks for it, as PDFs with a machine-readable
`filing.json` beside them (its schema: schemas/msme_odr_filing.schema.json).

  filing.json                   every field below, and the SHA-256 of every file in the pack
  01-supplier-and-buyer.pdf     the supplier's Udyam registration, the buyer's details
  02-invoices.csv               each invoice with its acceptance and due dates and amounts
  03-s16-computation.pdf/.csv   the s.16 interest, month by month, with the Bank Rates used
  04-demand-notice.pdf          the signed demand notice, as served
  04-proof-of-service.pdf       the latest delivery-proof certificate (IT Act s.13, BSA s.63)
  05-evidence/                  the documents, their index PDF, the s.63 certificate, hashes.sha256
  06-statement-of-claim.pdf     the statement of the claim, filled from the record

Every CSV cell is neutralised against spreadsheet formulas (portal.tabular)."""
from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from datetime import date

from arbitration.invocation.msmed_export import INVOICE_COLUMNS, summary
from evidence import build_bundle, store
from notices import Notice, NoticeKind, latest, receipt_for_notice
from portal import audit, tabular
from portal.cases import Case, compute_case
from portal.errors import DomainError
from portal.extensions import db
from portal.pdf import render_pdf
from portal.rates import rate_table
from portal.types import to_ist, utcnow

PACK_VERSION = "1"
COMPUTATION_COLUMNS = ("invoice_number", "period_from", "period_to", "days", "annual_rate_percent",
                       "bank_rate_percent", "bank_rate_on", "opening_balance", "interest",
                       "payment_applied", "closing_balance", "description")
# The portal's order, and where each part is in the pack.
SECTIONS = (
    ("supplier", "The supplier's Udyam registration", "01-supplier-and-buyer.pdf"),
    ("buyer", "The buyer", "01-supplier-and-buyer.pdf"),
    ("invoices", "The invoices, with acceptance and due dates", "02-invoices.csv"),
    ("computation", "Interest under section 16 of the MSMED Act", "03-s16-computation.pdf"),
    ("demand_notice", "The demand notice and its proof of service", "04-demand-notice.pdf"),
    ("evidence", "The evidence, with its index and hashes", "05-evidence/index.pdf"),
    ("statement_of_claim", "The statement of the claim", "06-statement-of-claim.pdf"),
)


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _money(value) -> str:
    return f"{value:.2f}"


def _printed_day(iso: str | None) -> str:
    """An ISO date from the JSON as the PDFs print it: 07 Dec 2026."""
    return date.fromisoformat(iso).strftime("%d %b %Y") if iso else "—"


def demand_notice(case: Case) -> Notice:
    notice = db.session.scalar(db.select(Notice).where(
        Notice.case_id == case.id, Notice.kind == NoticeKind.MSMED_DEMAND,
        Notice.signed_pdf_sha256.is_not(None)).order_by(Notice.signed_at.desc(), Notice.id.desc()).limit(1))
    if notice is None:
        raise DomainError("The filing pack needs the signed MSMED demand notice: sign it first.")
    return notice


def _computation_rows(computation) -> list[dict]:
    rows = []
    for inv in computation.invoices:
        for line in inv.lines:
            rows.append({
                "invoice_number": inv.number, "period_from": _day(line.period_from),
                "period_to": _day(line.period_to), "days": line.days,
                "annual_rate_percent": str(line.annual_rate) if line.annual_rate is not None else None,
                "bank_rate_percent": str(line.bank_rate) if line.bank_rate is not None else None,
                "bank_rate_on": _day(line.bank_rate_on), "opening_balance": _money(line.opening_balance),
                "interest": _money(line.interest), "payment_applied": _money(line.payment_applied),
                "closing_balance": _money(line.closing_balance), "description": line.description})
    return rows


def _csv(columns, rows: list[dict]) -> str:
    return tabular.csv_text(columns, [["" if row[c] is None else row[c] for c in columns] for row in rows])


def build(actor, case: Case, today: date) -> tempfile.SpooledTemporaryFile:
    """The pack, spooled; the caller streams and closes it. Audited with its hash."""
    data = summary(case, today)  # refuses a case that is not a registered MSE's MSMED claim
    notice = demand_notice(case)
    computation = compute_case(case, today, rate_table=rate_table())
    service = receipt_for_notice(notice)
    certificate = latest(notice.id)
    with store().open(notice.signed_pdf_sha256) as fh:
        notice_pdf = fh.read()
    certificate_pdf = None
    if certificate is not None:
        with store().open(certificate.sha256) as fh:
            certificate_pdf = fh.read()
    lines = _computation_rows(computation)
    files: dict[str, bytes] = {}
    bundle = build_bundle(actor, case)
    try:
        with zipfile.ZipFile(bundle) as inner:
            for name in inner.namelist():
                files["05-evidence/" + name] = inner.read(name)
    finally:
        bundle.close()
    evidence_rows = _evidence(files)
    data.update({
        "pack_version": PACK_VERSION,
        "order": [{"part": key, "title": title, "file": path} for key, title, path in SECTIONS],
        "computation": {"as_of": today.isoformat(), "lines": lines},
        "demand_notice": {
            "kind": notice.kind.value,
            "signed_at": notice.signed_at.isoformat() if notice.signed_at else None,
            "sha256": notice.signed_pdf_sha256, "verification_code": notice.verification_code,
            "pay_within_days": notice.pay_within_days, "file": "04-demand-notice.pdf"},
        "service": {
            "receipt_proven": service.received,
            "received_at": service.at.isoformat() if service.received and service.at else None,
            "channel": service.evidence.channel.value if service.received and service.evidence
            and service.evidence.channel else None,
            "proof_version": certificate.version if certificate else None,
            "proof_sha256": certificate.sha256 if certificate else None,
            "proof_file": "04-proof-of-service.pdf" if certificate else None},
        "evidence": evidence_rows,
    })
    context = {"case": case, "data": data, "computation": computation, "notice": notice,
               "service": service, "certificate": certificate, "prepared_ist": to_ist(utcnow()),
               "day": _printed_day}
    files["01-supplier-and-buyer.pdf"] = render_pdf("pdf/filing/parties.html", **context)
    files["02-invoices.csv"] = _csv(INVOICE_COLUMNS, data["invoices"]).encode()
    files["03-s16-computation.pdf"] = render_pdf("pdf/filing/computation.html", **context)
    files["03-s16-computation.csv"] = _csv(COMPUTATION_COLUMNS, lines).encode()
    files["04-demand-notice.pdf"] = notice_pdf
    if certificate_pdf is not None:
        files["04-proof-of-service.pdf"] = certificate_pdf
    files["06-statement-of-claim.pdf"] = render_pdf("pdf/filing/statement_of_claim.html", **context)
    data["files"] = [{"path": path, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
                     for path, content in sorted(files.items())]
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("filing.json", json.dumps(data, indent=2, ensure_ascii=False))
        for path, content in sorted(files.items()):
            zf.writestr(path, content)
    spooled.seek(0)
    digest = hashlib.sha256()
    while chunk := spooled.read(1024 * 1024):
        digest.update(chunk)
    spooled.seek(0)
    audit.record("arbitration.msmed_exported", actor=actor, case=case, payload={
        "zip_sha256": digest.hexdigest(), "total_due": data["amounts"]["total_due"],
        "pack_version": PACK_VERSION, "notice_id": notice.id, "generated_at": utcnow().isoformat()})
    return spooled


def _evidence(files: dict[str, bytes]) -> list[dict]:
    """The evidence documents as the bundle's hash list names them (its own files excepted)."""
    listed = files.get("05-evidence/hashes.sha256", b"").decode().splitlines()
    out = []
    for line in listed:
        sha, _, path = line.partition("  ")
        if path.startswith("documents/"):
            out.append({"file": "05-evidence/" + path, "sha256": sha})
    return out


def read_pack(blob: bytes) -> tuple[dict, dict[str, bytes]]:
    """The pack's JSON and files (for tests and for checking a downloaded pack)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != "filing.json"}
        return json.loads(zf.read("filing.json")), files
