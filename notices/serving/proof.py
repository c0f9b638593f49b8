"""The delivery-proof certificate: a PDF per notice with the signed notice's hash, every dispatch,
the places of dispatch and receipt and whether receipt is proven (IT Act s.13), the full timeline in
IST with provider ids and payload hashes, and a BSA 2023 s.63 certificate (Part A) completed for the
platform operator from its settings before it is sealed. Rebuilt when events arrive; each version
carries the platform's PAdES seal (portal/seal.py), is stored write-once and its hash goes into the
ledger."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import and_, func, select

import evidence
from evidence import store_pdf
from notices.models import Notice
from notices.serving import receipt, timeline
from notices.serving.dispatch import dispatches_for
from notices.serving.documents import ServedDocument
from notices.serving.models import DeliveryEvent, DeliveryProof, ExpertCertificate
from notices.serving.states import ExpertCertificateStatus
from notices.serving.subject import Served, is_document, load, owner, payload, same
from portal import audit
from portal.extensions import db
from portal.pdf import html_to_pdf
from portal.seal import seal
from portal.types import IST, utcnow


def latest(served: Served | int) -> DeliveryProof | None:
    """The newest certificate of a notice (or a notice's id) or of a served document."""
    where = DeliveryProof.notice_id == served if isinstance(served, int) else same(DeliveryProof, served)
    return db.session.scalar(select(DeliveryProof).where(where)
                             .order_by(DeliveryProof.version.desc()).limit(1))


def latest_pairing(notice_id_column):
    """The join condition that pairs each row of `notice_id_column` with its notice's newest
    certificate: `latest` for many notices in one statement (an outer join keeps those without one)."""
    newest = (select(func.max(DeliveryProof.version)).where(DeliveryProof.notice_id == notice_id_column)
              .correlate_except(DeliveryProof).scalar_subquery())
    return and_(DeliveryProof.notice_id == notice_id_column, DeliveryProof.version == newest)


def stale(now: datetime, limit: int = 500) -> list[int | str]:
    """Notices (their ids) and served documents (their keys, "d3") whose latest certificate counts
    fewer events than their timeline holds, the last event older than PROOF_STALE_SECONDS (its own
    refresh had that long to run), and the events it lacks (the newest ones) not all bookkeeping
    (timeline.BOOKKEEPING: those wait for the next dispatch or receipt event)."""
    quiet = now - timedelta(seconds=current_app.config["PROOF_STALE_SECONDS"])
    out: list[int | str] = []
    owners = ((DeliveryEvent.notice_id, Notice, Notice.signed_pdf_sha256),
              (DeliveryEvent.document_id, ServedDocument, ServedDocument.signed_pdf_sha256))
    for column, model, signed in owners:
        proof_column = DeliveryProof.notice_id if model is Notice else DeliveryProof.document_id
        events = (select(column.label("owner"), func.count(DeliveryEvent.id).label("n"),
                         func.max(DeliveryEvent.recorded_at).label("last"))
                  .where(column.is_not(None)).group_by(column).subquery())
        proofs = (select(proof_column.label("owner"), func.max(DeliveryProof.events_count).label("n"))
                  .where(proof_column.is_not(None)).group_by(proof_column).subquery())
        behind = db.session.execute(
            select(events.c.owner, events.c.n - func.coalesce(proofs.c.n, 0))
            .join(model, model.id == events.c.owner)
            .outerjoin(proofs, proofs.c.owner == events.c.owner)
            .where(signed.is_not(None), events.c.last <= quiet, events.c.n > func.coalesce(proofs.c.n, 0))
            .order_by(events.c.owner).limit(limit - len(out))).all()
        out += [i if model is Notice else f"d{i}" for i, missing in behind if _proves(column, i, missing)]
    return out


def _proves(column, owner_id: int, missing: int) -> bool:
    """Whether the newest `missing` events of the owner include one that is not bookkeeping."""
    kinds = db.session.scalars(select(DeliveryEvent.kind).where(column == owner_id)
                               .order_by(DeliveryEvent.id.desc()).limit(missing))
    return any(kind not in timeline.BOOKKEEPING for kind in kinds)


def render(notice: Served, version: int) -> bytes:
    """The certificate; CertificateIncomplete (nothing rendered) while a Part A setting is missing."""
    part_a = evidence.part_a()
    # The certificate lists every event of the timeline (IT Act s.13, BSA s.63: each record it
    # certifies, with its hash): they are streamed into the template, not held in a list.
    events = timeline.stream_events(notice)
    debtor = notice.case.debtor
    html = render_template(
        "pdf/delivery_proof.hi.html" if language_of(notice) == "hi" else "pdf/delivery_proof.html",
        notice=notice, case=notice.case, version=version,
        document=notice if is_document(notice) else None,
        dispatches=dispatches_for(notice), events=events, generated_ist=utcnow().astimezone(IST),
        part_a=part_a, receipt=receipt.for_notice(notice),
        part_b=[c for c in expert_certificates(notice) if c.status == ExpertCertificateStatus.ATTACHED],
        # IT Act s.13(3): dispatched where the originator has its place of business, received where
        # the addressee has its own; s.13(4): wherever the computer resources are.
        place_of_receipt=(debtor.place_of_business or debtor.postal_address or "").strip())
    return html_to_pdf(html)


def language_of(notice: Served) -> str:
    """The certificate speaks the language of what it certifies: the notice's or the served document's."""
    return notice.language if is_document(notice) else notice.language.value


def expert_certificates(notice: Served) -> list[ExpertCertificate]:
    if is_document(notice):
        return []  # Part B is asked for a notice's proof (notices/serving/part_b.py)
    return list(db.session.scalars(select(ExpertCertificate).where(ExpertCertificate.notice_id == notice.id)
                                   .order_by(ExpertCertificate.id)))


def refresh(served: int | str) -> str | None:
    """A new version when events arrived since the last one; returns its SHA-256 (or None).
    `served`: a notice's id, or a served document's key ("d3")."""

    notice = load(served)
    if notice is None or notice.signed_pdf_sha256 is None:
        return None
    count = timeline.count(notice)
    previous = latest(notice)
    attached = [c.attached_at for c in expert_certificates(notice) if c.attached_at is not None]
    if previous is not None and previous.events_count == count and not any(
            at > previous.created_at for at in attached):
        return None  # nothing new: no event, no expert's certificate attached since
    version = previous.version + 1 if previous else 1
    what = notice.label if is_document(notice) else f"notice {notice.case.reference}/N{notice.id}"
    reason = f"Delivery proof of {what}, version {version}"
    sealed, _demo = seal(render(notice, version), reason=reason)
    sha = store_pdf(sealed)
    db.session.add(DeliveryProof(**owner(notice), version=version, sha256=sha, events_count=count))
    db.session.flush()
    audit.record("delivery.proof_issued", actor=None, case=notice.case, payload={
        **payload(notice), "version": version, "sha256": sha, "events": count})
    return sha
