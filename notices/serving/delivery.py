"""What a dispatch carries (the signed PDF, the personal link, the tracking pixel, the bounce
address) and telling the creditor when a dispatch fails for good."""
from __future__ import annotations

from flask import current_app, render_template

from evidence import store
from notices.models import NoticeKind, NoticeLanguage
from notices.serving import receipt
from notices.serving.hooks import issue_debtor_link
from notices.serving.models import Dispatch, ServiceTerms
from portal.accounts import User
from portal.adapters import MailMessage, queue_mail
from portal.extensions import db
from portal.formatting import day


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def bounce_address(dispatch: Dispatch) -> str:
    return f"bounces+{dispatch.bounce_token}@{current_app.config['MAIL_BOUNCE_DOMAIN']}"


def build_delivery(dispatch: Dispatch, token: str | None = None):
    """The plain values a channel needs; issues this attempt's personal link (flushes), unless the
    caller has (`token`: `link_wanted` for `issue_debtor_links`)."""
    from notices.serving.channels import Delivery

    if dispatch.document_id is not None:
        return _document_delivery(dispatch, token)
    notice, case = dispatch.notice, dispatch.notice.case
    invocation = notice.kind == NoticeKind.ARBITRATION_INVOCATION  # a request to refer, not a demand
    document = "invocation" if invocation else "notice"
    pdf_names = {"invocation": "request-for-arbitration", "notice": "legal-notice"}
    if token is None:
        _link, token = issue_debtor_link(case.id, notice.id, dispatch.id)
    terms = db.session.get(ServiceTerms, notice.id)
    # The period runs from receipt (IT Act s.13(2), receipt.py): a date once receipt is proven (a
    # reminder), until then the day counted from the debtor's own receipt (the notice itself).
    hindi = notice.language == NoticeLanguage.HINDI
    if terms and terms.respond_by:
        due = f"{day(terms.respond_by, notice.language.value)} (IST)"
    elif hindi:
        due = f"नोटिस मिलने के {receipt.days_to_pay(notice)}वें दिन तक"
    else:
        due = f"the {ordinal(receipt.days_to_pay(notice))} day after you receive it"
    advocate = notice.advocate.name if notice.advocate else (
        "लेनदार के अधिवक्ता" if hindi else "the creditor's advocate")
    return Delivery(
        dispatch_id=dispatch.id, purpose=dispatch.purpose.value, idempotency_key=dispatch.idempotency_key,
        address=dispatch.address,
        reference=case.reference, creditor=case.creditor.legal_name,
        advocate=advocate,
        respond_by=due, link_url=public_url(f"/n/{token}"),
        verify_url=public_url(f"/verify/{notice.verification_code}"),
        pixel_url=public_url(f"/t/{dispatch.pixel_token}.gif"), bounce_address=bounce_address(dispatch),
        pdf=_pdf(notice.signed_pdf_sha256), pdf_name=f"{pdf_names[document]}-{case.reference}.pdf",
        document=document, language=notice.language.value)


def link_wanted(dispatch: Dispatch) -> tuple[int, int | None, int, int | None]:
    """What `issue_debtor_links` takes for this dispatch's personal link."""
    return dispatch.served.case_id, dispatch.notice_id, dispatch.id, dispatch.document_id


def _document_delivery(dispatch: Dispatch, token: str | None):
    """A served document goes with its own words and attachment name, in its maker's name (the
    tribunal's for an award), never as a party's notice asking for payment."""
    from notices.serving.channels import Delivery

    document, case = dispatch.document, dispatch.document.case
    if token is None:
        _link, token = issue_debtor_link(case.id, None, dispatch.id, document_id=document.id)
    return Delivery(
        dispatch_id=dispatch.id, purpose=dispatch.purpose.value, idempotency_key=dispatch.idempotency_key,
        address=dispatch.address, reference=case.reference, creditor=case.creditor.legal_name,
        advocate="", respond_by="", link_url=public_url(f"/n/{token}"),
        verify_url=public_url(f"/verify/{document.verification_code}"),
        pixel_url=public_url(f"/t/{dispatch.pixel_token}.gif"), bounce_address=bounce_address(dispatch),
        pdf=_pdf(document.signed_pdf_sha256), pdf_name=document.pdf_name, document=document.kind.value,
        signatory=document.signatory, language=document.language, title=document.title)


def _pdf(sha256: str) -> bytes:
    """The signed PDF's bytes, kept per process for the next dispatch of the same document (another
    address, a reminder, a retry): the store is content-addressed, so a kept copy never goes stale."""
    found = _pdfs.get(sha256)
    if found is None:
        with store().open(sha256) as fh:
            found = fh.read()
        if len(_pdfs) >= _PDFS_KEPT:
            _pdfs.pop(next(iter(_pdfs)))
        _pdfs[sha256] = found
    return found


_PDFS_KEPT = 32
_pdfs: dict[str, bytes] = {}


def tell_creditor_failed(dispatch: Dispatch, error: str) -> None:
    """Mail the staff member who requested service (after commit)."""
    case = dispatch.served.case
    requester = db.session.get(User, dispatch.created_by_id)
    if requester is None:
        return
    path = f"/notices/{dispatch.notice_id}/delivery" if dispatch.notice_id is not None \
        else f"/served/{dispatch.document_id}/delivery"
    what = "the notice" if dispatch.notice_id is not None else f"the {dispatch.document.title.lower()}"
    text = render_template("email/dispatch_failed.txt", case=case, dispatch=dispatch, error=error,
                           url=public_url(path), what=what)
    queue_mail(MailMessage(to=[requester.email], text=text,
                           subject=f"{case.reference}: {what} could not be served by "
                                   f"{dispatch.channel.value}"))
