"""The delivery-proof certificate: a PDF per notice with the signed notice's hash, every dispatch,
the places of dispatch and receipt and whether receipt is proven (IT Act s.13), the full timeline in
IST with provider ids and payload hashes, and a BSA 2023 s.63 certificate (Part A) completed for the
platform operator from its settings before it is sealed. Rebuilt when events arrive; each version
carries the platform's PAdES seal (portal/seal.py), is stored write-once and its hash goes into the
ledger."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import func, select

import evidence
from evidence import store_pdf
from notices.models import Notice
from notices.serving import receipt, timeline
from notices.serving.dispatch import dispatches_for
from notices.serving.models import DeliveryEvent, DeliveryProof, ExpertCertificate
from notices.serving.states import ExpertCertificateStatus
from portal import audit
from portal.extensions import db
from portal.pdf import html_to_pdf
from portal.seal import seal
from portal.types import IST, utcnow


def latest(notice_id: int) -> DeliveryProof | None:
    return db.session.scalar(select(DeliveryProof).where(DeliveryProof.notice_id == notice_id)
                             .order_by(DeliveryProof.version.desc()).limit(1))


def stale(now: datetime, limit: int = 500) -> list[int]:
    """Notices whose latest certificate counts fewer events than their timeline holds, the last
    event older than PROOF_STALE_SECONDS (its own refresh had that long to run)."""
    quiet = now - timedelta(seconds=current_app.config["PROOF_STALE_SECONDS"])
    events = (select(DeliveryEvent.notice_id, func.count(DeliveryEvent.id).label("n"),
                     func.max(DeliveryEvent.recorded_at).label("last"))
              .group_by(DeliveryEvent.notice_id).subquery())
    proofs = (select(DeliveryProof.notice_id, func.max(DeliveryProof.events_count).label("n"))
              .group_by(DeliveryProof.notice_id).subquery())
    return list(db.session.scalars(
        select(events.c.notice_id).join(Notice, Notice.id == events.c.notice_id)
        .outerjoin(proofs, proofs.c.notice_id == events.c.notice_id)
        .where(Notice.signed_pdf_sha256.is_not(None), events.c.last <= quiet,
               events.c.n > func.coalesce(proofs.c.n, 0))
        .order_by(events.c.notice_id).limit(limit)))


def render(notice: Notice, version: int) -> bytes:
    """The certificate; CertificateIncomplete (nothing rendered) while a Part A setting is missing."""
    part_a = evidence.part_a()
    events = timeline.events_for(notice)
    debtor = notice.case.debtor
    html = render_template(
        "pdf/delivery_proof.html", notice=notice, case=notice.case, version=version,
        dispatches=dispatches_for(notice), events=events, generated_ist=utcnow().astimezone(IST),
        part_a=part_a, receipt=receipt.for_notice(notice),
        part_b=[c for c in expert_certificates(notice) if c.status == ExpertCertificateStatus.ATTACHED],
        # IT Act s.13(3): dispatched where the originator has its place of business, received where
        # the addressee has its own; s.13(4): wherever the computer resources are.
        place_of_receipt=(debtor.place_of_business or debtor.postal_address or "").strip())
    return html_to_pdf(html)


def expert_certificates(notice: Notice) -> list[ExpertCertificate]:
    return list(db.session.scalars(select(ExpertCertificate).where(ExpertCertificate.notice_id == notice.id)
                                   .order_by(ExpertCertificate.id)))


def refresh(notice_id: int) -> str | None:
    """A new version when events arrived since the last one; returns its SHA-256 (or None)."""

    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.signed_pdf_sha256 is None:
        return None
    count = len(timeline.events_for(notice))
    previous = latest(notice_id)
    attached = [c.attached_at for c in expert_certificates(notice) if c.attached_at is not None]
    if previous is not None and previous.events_count == count and not any(
            at > previous.created_at for at in attached):
        return None  # nothing new: no event, no expert's certificate attached since
    version = previous.version + 1 if previous else 1
    reason = f"Delivery proof of notice {notice.case.reference}/N{notice.id}, version {version}"
    sealed, _demo = seal(render(notice, version), reason=reason)
    sha = store_pdf(sealed)
    db.session.add(DeliveryProof(notice_id=notice.id, version=version, sha256=sha, events_count=count))
    db.session.flush()
    audit.record("delivery.proof_issued", actor=None, case=notice.case, payload={
        "notice_id": notice.id, "version": version, "sha256": sha, "events": count})
    return sha
