"""Part B of the certificate for electronic evidence (BSA 2023 s.63(4)(c) and its Schedule): the
expert's own statement about the same records. Sulah completes Part A on every delivery proof; Part B
is the expert's. The creditor (or its advocate) asks an expert, sends the expert the latest
delivery-proof version, and uploads the expert's signed certificate when it comes back; it is kept as
evidence and attached to the next version of the delivery proof, which names it with its SHA-256."""
from __future__ import annotations

from typing import BinaryIO

import evidence
from notices.models import Notice
from notices.serving import proof, timeline
from notices.serving.models import ExpertCertificate
from notices.serving.states import EXPERT_CERTIFICATE, ExpertCertificateStatus
from portal import lifecycle
from portal.accounts import User
from portal.errors import DomainError
from portal.types import utcnow


def for_notice(notice: Notice) -> list[ExpertCertificate]:
    return proof.expert_certificates(notice)


def request(actor: User, notice: Notice, expert_name: str, qualification: str = "") -> ExpertCertificate:
    """Ask an expert for Part B on the latest delivery-proof version."""
    name, qualification = (expert_name or "").strip(), (qualification or "").strip()
    if not name:
        raise DomainError("Name the expert who will give Part B of the certificate.")
    latest = proof.latest(notice.id)
    if latest is None:
        raise DomainError("There is no delivery-proof certificate yet: it is issued once the notice is "
                          "served.")
    if any(c.status == ExpertCertificateStatus.REQUESTED for c in for_notice(notice)):
        raise DomainError("An expert's certificate is already requested for this notice; upload it first.")
    certificate = ExpertCertificate(notice_id=notice.id, expert_name=name[:200],
                                    expert_qualification=qualification[:300], proof_version=latest.version,
                                    requested_by_id=actor.id)
    return lifecycle.begin(EXPERT_CERTIFICATE, certificate, ExpertCertificateStatus.REQUESTED, actor,
                           action="requested", case=notice.case, payload={
                               "notice_id": notice.id, "expert": certificate.expert_name,
                               "proof_version": latest.version})


def attach(actor: User, certificate: ExpertCertificate, stream: BinaryIO, filename: str) -> ExpertCertificate:
    """The expert's signed Part B, uploaded: stored as evidence and attached to the delivery proof
    (a new version is issued after the commit)."""
    if certificate.status not in EXPERT_CERTIFICATE.sources("attached"):
        raise DomainError("This expert's certificate is already attached.")
    notice = certificate.notice
    try:
        doc = evidence.add_document(actor, notice.case, stream, filename,
                                    evidence.DocumentKind.DELIVERY_PROOF,
                                    f"BSA s.63 Part B certificate of {certificate.expert_name} on the "
                                    f"delivery proof of notice N{notice.id}, version "
                                    f"{certificate.proof_version}")
    except evidence.UploadRefused as exc:  # nothing was kept; say why on the page
        raise DomainError(str(exc)) from exc
    lifecycle.fire(EXPERT_CERTIFICATE, certificate, "attached", actor, case=notice.case,
                   changes={"document_id": doc.id, "sha256": doc.sha256, "attached_at": utcnow()},
                   payload={"notice_id": notice.id, "document_id": doc.id, "sha256": doc.sha256})
    timeline.refresh_proof_after_commit(notice.id)
    return certificate
