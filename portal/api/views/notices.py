"""Notices: draft one from the case's facts, read its status and verification code, download the
signed PDF; its service (dispatches and delivery events) and the delivery-proof certificate.
Review, approval and signing are the advocate's, with a second factor: no route here does them."""
from __future__ import annotations

from flask import Response, url_for
from sqlalchemy import select

from evidence import store
from notices import (
    ChannelKind,
    DeliveryEvent,
    DeliveryProof,
    Dispatch,
    Notice,
    NoticeLanguage,
    NoticeStatus,
    ServiceTerms,
    delivery_events_page,
    dispatches_page,
    start_notice,
)
from notices import latest as latest_proof
from notices import serve_notice as serve_signed_notice
from portal.accounts import Action, require
from portal.api import schemas as s
from portal.api.blueprint import bp
from portal.api.http import BadInput, PageQuery, answer, body, caller, page_args, page_links
from portal.api.spec import operation
from portal.api.views.cases import case_for
from portal.cases import today_ist
from portal.errors import DomainError
from portal.extensions import db
from portal.paging import PageArgs


def _notice(notice: Notice) -> s.NoticeDetail:
    signed = notice.status == NoticeStatus.SIGNED
    return s.NoticeDetail(
        id=notice.id, case_reference=notice.case.reference, kind=notice.kind.value,
        language=notice.language.value, status=notice.status.value,
        pay_within_days=notice.pay_within_days, facts_version=notice.facts_version,
        versions=len(notice.versions), verification_code=notice.verification_code,
        verify_url=url_for("notices.verify", code=notice.verification_code),
        created_at=notice.created_at, submitted_at=notice.submitted_at, approved_at=notice.approved_at,
        signed_at=notice.signed_at, signed_pdf_sha256=notice.signed_pdf_sha256,
        signed_pdf_url=url_for("api_v1.signed_notice_pdf", notice_id=notice.id) if signed else None)


def notice_for(notice_id: int, action: Action = Action.VIEW_NOTICE_DRAFT) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise BadInput(404, "Not found", "No such notice.")
    require(caller(), action, notice.case)
    return notice


def _pdf(sha256: str, name: str) -> Response:
    with store().open(sha256) as fh:
        data = fh.read()
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-SHA256": sha256})


@operation(bp, "/cases/<reference>/notices", "GET", summary="A case's notices", scope="read",
           tag="Notices", answer=s.NoticeList)
def list_notices(reference: str):
    """The creditor's side and the advocate see every notice; the debtor sees a served notice on
    its own pages, not here."""
    case = case_for(reference, Action.VIEW_NOTICE_DRAFT)
    rows = db.session.scalars(select(Notice).where(Notice.case_id == case.id).order_by(Notice.id))
    return answer(s.NoticeList(notices=[_notice(n) for n in rows]))


@operation(bp, "/cases/<reference>/notices", "POST", summary="Draft a demand notice", scope="notices",
           tag="Notices", body=s.NoticeDraftIn, answer=s.NoticeDetail, status=201)
def draft_notice(reference: str):
    """The notice is drafted from the case's facts (the kind follows the claim: MSMED or
    commercial), for the creditor to submit to its advocate, who reviews, approves and signs it
    with a second factor. A cheque-dishonour notice is drafted on the case's page. A 409 when the
    case already has a notice in drafting or review, or is not filed."""
    case = case_for(reference, Action.DRAFT_NOTICE)
    got = body(s.NoticeDraftIn)
    notice = start_notice(caller(), case, today_ist(), language=NoticeLanguage(got.language),
                                   pay_within_days=got.pay_within_days)
    return answer(_notice(notice), 201)


@operation(bp, "/notices/<int:notice_id>", "GET", summary="A notice's status", scope="read",
           tag="Notices", answer=s.NoticeDetail)
def get_notice(notice_id: int):
    """Its status, versions, the verification code printed on it (checked by anyone at /verify)."""
    return answer(_notice(notice_for(notice_id)))


@operation(bp, "/notices/<int:notice_id>/signed.pdf", "GET", summary="The signed notice",
           scope="notices", tag="Notices", produces="application/pdf")
def signed_notice_pdf(notice_id: int):
    """The PDF as the advocate signed it (PAdES), byte for byte; 404 until it is signed."""
    notice = notice_for(notice_id)
    if notice.status != NoticeStatus.SIGNED or not notice.signed_pdf_sha256:
        raise BadInput(404, "Not signed", "This notice has not been signed yet.")
    return _pdf(notice.signed_pdf_sha256, f"notice-{notice.case.reference}.pdf")


@operation(bp, "/notices/<int:notice_id>/service", "GET", summary="Service and delivery events",
           scope="read", tag="Service and delivery", answer=s.Service)
def notice_service(notice_id: int):
    """Each dispatch (e-mail, SMS, WhatsApp, post) and each event of the delivery timeline, with
    the SHA-256 of the provider's raw report; `received_at` is receipt under IT Act s.13 where one
    is proven (the relay's acceptance is dispatch, not receipt)."""
    return _service(notice_for(notice_id, Action.VIEW_DELIVERY))


def _dispatch(d: Dispatch) -> s.DispatchDetail:
    return s.DispatchDetail(id=d.id, channel=d.channel.value, purpose=d.purpose.value, address=d.address,
                            designated=d.designated, status=d.status.value, attempts=d.attempts,
                            sent_at=d.sent_at, accepted_at=d.accepted_at)


def _event(e: DeliveryEvent) -> s.DeliveryEvent:
    return s.DeliveryEvent(id=e.id, dispatch_id=e.dispatch_id, kind=e.kind.value, occurred_at=e.occurred_at,
                           time_known=e.time_known, recorded_at=e.recorded_at, source=e.source,
                           detail=e.detail, payload_sha256=e.payload_sha256)


def _service(notice: Notice, status: int = 200):
    """The notice's service with the first page (newest first) of its dispatches and of its events."""
    terms = db.session.get(ServiceTerms, notice.id)
    first = PageArgs()
    dispatches = dispatches_page(notice, first)
    events = delivery_events_page(notice, first)
    return answer(s.Service(
        notice_id=notice.id, first_dispatched_at=terms.first_dispatched_at if terms else None,
        received_at=terms.received_at if terms else None, respond_by=terms.respond_by if terms else None,
        dispatches=[_dispatch(d) for d, _unread in dispatches.rows],
        events=[_event(e) for e in events.rows],
        more_dispatches=page_links("api_v1.list_dispatches", dispatches, first, notice_id=notice.id)["next"],
        more_events=page_links("api_v1.list_delivery_events", events, first, notice_id=notice.id)["next"]),
        status)


@operation(bp, "/notices/<int:notice_id>/dispatches", "GET", summary="A notice's dispatches",
           scope="read", tag="Service and delivery", query=PageQuery, answer=s.DispatchPage)
def list_dispatches(notice_id: int):
    """Every message sent (or queued) to serve the notice, a reminder or an invitation on it, newest
    first; follow `next` until it is null. One SQL statement a page."""
    notice = notice_for(notice_id, Action.VIEW_DELIVERY)
    args = page_args("dispatches")
    page = dispatches_page(notice, args)
    return answer(s.DispatchPage(dispatches=[_dispatch(d) for d, _unread in page.rows],
                                 **page_links("api_v1.list_dispatches", page, args, notice_id=notice.id)))


@operation(bp, "/notices/<int:notice_id>/delivery-events", "GET", summary="A notice's delivery timeline",
           scope="read", tag="Service and delivery", query=PageQuery, answer=s.DeliveryEventPage)
def list_delivery_events(notice_id: int):
    """The delivery timeline (hand-over, acceptance, delivery, read, bounce...), newest first, each
    with the SHA-256 of the provider's raw report; follow `next` until it is null."""
    notice = notice_for(notice_id, Action.VIEW_DELIVERY)
    args = page_args("timeline")
    page = delivery_events_page(notice, args)
    return answer(s.DeliveryEventPage(events=[_event(e) for e in page.rows],
                                      **page_links("api_v1.list_delivery_events", page, args,
                                                   notice_id=notice.id)))


@operation(bp, "/notices/<int:notice_id>/service", "POST", summary="Serve a signed notice",
           scope="notices", tag="Service and delivery", body=s.ServeIn, answer=s.Service, status=202)
def serve_notice(notice_id: int):
    """Queue the notice on the chosen channels to every address of the debtor's on the case, within
    the contact rules (quiet hours, caps): WhatsApp only together with e-mail; a cheque-dishonour
    notice by post as well. A channel already served is not sent again. A 409 until the notice is
    signed."""
    notice = notice_for(notice_id, Action.SERVE_NOTICE)
    got = body(s.ServeIn)
    if notice.status != NoticeStatus.SIGNED:
        raise DomainError("Only a signed notice can be served.")
    try:
        serve_signed_notice(caller(), notice, {ChannelKind(c) for c in got.channels},
                          escalate_to_odr=got.escalate_to_odr)
    except DomainError as exc:  # a 4xx: the request boundary rolls back what serve had flushed
        raise BadInput(422, "Cannot serve so", str(exc), {"channels": [str(exc)]}) from exc
    return _service(notice, 202)


@operation(bp, "/notices/<int:notice_id>/delivery-proof", "GET", summary="Delivery-proof certificates",
           scope="read", tag="Service and delivery", answer=s.DeliveryProofList)
def delivery_proofs(notice_id: int):
    """Every version of the BSA s.63 certificate of service, newest last; a new version is issued
    as delivery events arrive."""
    notice = notice_for(notice_id, Action.VIEW_DELIVERY)
    rows = list(db.session.scalars(select(DeliveryProof).where(DeliveryProof.notice_id == notice.id)
                                   .order_by(DeliveryProof.version)))
    return answer(s.DeliveryProofList(
        notice_id=notice.id, certificates=[s.DeliveryProof.model_validate(r) for r in rows],
        latest_pdf_url=url_for("api_v1.delivery_proof_pdf", notice_id=notice.id) if rows else None))


@operation(bp, "/notices/<int:notice_id>/delivery-proof.pdf", "GET", summary="The latest certificate",
           scope="notices", tag="Service and delivery", produces="application/pdf")
def delivery_proof_pdf(notice_id: int):
    notice = notice_for(notice_id, Action.VIEW_DELIVERY)
    latest = latest_proof(notice.id)
    if latest is None:
        raise BadInput(404, "No certificate yet", "The certificate is issued once the notice is served.")
    return _pdf(latest.sha256, f"delivery-proof-{notice.case.reference}-v{latest.version}.pdf")
