"""What a dispatch carries (the signed PDF, the personal link, the tracking pixel, the bounce
address) and telling the creditor when a dispatch fails for good."""
from __future__ import annotations

from flask import current_app, render_template

from evidence.services import store
from notices.models import NoticeKind, NoticeLanguage
from notices.serving import receipt
from notices.serving.hooks import issue_debtor_link
from notices.serving.models import Dispatch, ServiceTerms
from portal.accounts.models import User
from portal.adapters import mail
from portal.extensions import db
from portal.formatting import day


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def bounce_address(dispatch: Dispatch) -> str:
    return f"bounces+{dispatch.bounce_token}@{current_app.config['MAIL_BOUNCE_DOMAIN']}"


def build_delivery(dispatch: Dispatch):
    """The plain values a channel needs; issues this attempt's personal link (flushes)."""
    from notices.serving.channels import Delivery

    notice, case = dispatch.notice, dispatch.notice.case
    award = notice.kind == NoticeKind.ARBITRAL_AWARD  # the tribunal's document, not a party's notice
    invocation = notice.kind == NoticeKind.ARBITRATION_INVOCATION  # a request to refer, not a demand
    document = "award" if award else "invocation" if invocation else "notice"
    pdf_names = {"award": "arbitral-award", "invocation": "request-for-arbitration", "notice": "legal-notice"}
    _link, token = issue_debtor_link(case.id, notice.id, dispatch.id)
    with store().open(notice.signed_pdf_sha256) as fh:
        pdf = fh.read()
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
        pdf=pdf, pdf_name=f"{pdf_names[document]}-{case.reference}.pdf", document=document,
        signatory=(case.neutral.name if award and case.neutral else ""), language=notice.language.value)


def tell_creditor_failed(dispatch: Dispatch, error: str) -> None:
    """Mail the staff member who requested service (after commit)."""
    case = dispatch.notice.case
    requester = db.session.get(User, dispatch.created_by_id)
    if requester is None:
        return
    text = render_template("email/dispatch_failed.txt", case=case, dispatch=dispatch, error=error,
                           url=public_url(f"/notices/{dispatch.notice_id}/delivery"))
    mail.queue(mail.Message(to=[requester.email], text=text,
                            subject=f"{case.reference}: the notice could not be served by "
                                    f"{dispatch.channel.value}"))
