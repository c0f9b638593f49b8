"""Drafting a notice from its case: the rules that must hold first, the context, the render."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from flask import current_app, render_template
from markupsafe import Markup

from notices import cheque
from notices.drafting.verification_qr import qr_data_uri
from notices.drafting.wording import WORDING, note_in, service_modes
from notices.models import Notice, NoticeKind
from portal.cases import OBJECTION_WINDOW_DAYS, Case, ClaimType, ContactKind, case_limitation, compute_case
from portal.errors import DomainError
from portal.rates import rate_table

# Commercial Courts Act 2015 s.2(1)(i) read with s.12: a "commercial dispute" of a "specified value"
# of at least three lakh rupees; only such a suit needs s.12A pre-institution mediation.
SPECIFIED_VALUE = Decimal("300000.00")
BODY = "pdf/notice/{kind}.{lang}.html"


def kind_for(case: Case) -> NoticeKind:
    return {ClaimType.MSMED_INVOICE: NoticeKind.MSMED_DEMAND,
            ClaimType.CHEQUE_DISHONOUR: NoticeKind.CHEQUE_DISHONOUR}.get(
        case.claim_type, NoticeKind.COMMERCIAL_DEMAND)


def check_can_draft(case: Case, kind: NoticeKind, today: date, *,
                    cheque_dates: tuple[date, date | None, date | None, date | None] | None = None) -> None:
    """Refuse a notice the law or the facts do not allow yet, saying why. `cheque_dates`: the cheque's
    date, its presentation, the return memo's date and the day the payee received the memo."""
    if kind == NoticeKind.MSMED_DEMAND and not case.creditor.msmed_eligible:
        raise DomainError("An MSMED Act notice needs the creditor's Udyam registration as a micro "
                          "or small enterprise.")
    if kind == NoticeKind.CHEQUE_DISHONOUR:
        cheque_date, presented_on, memo_date, memo_received_on = cheque_dates or (None, None, None, None)
        if cheque_date is None or memo_date is None:
            raise DomainError("Give the cheque's date and the date of the bank's dishonour memo.")
        # The recitals ("presented within its validity", "within thirty days of receipt of the
        # information") must hold on these dates (NI s.138 provisos (a) and (b)).
        problems = cheque.recital_problems(cheque_date, presented_on, memo_date, memo_received_on, today)
        if problems:
            raise DomainError(" ".join(problems))
    statuses = case_limitation(case, today)
    barred = [inv.number for inv in case.invoices
              if statuses[inv.number].time_barred and not inv.time_bar_justification]
    if barred:
        raise DomainError("Time-barred invoices need a recorded justification before they can go "
                          "into a notice: " + ", ".join(barred) + ".")


def verify_url(notice: Notice) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/verify/{notice.verification_code}"


@dataclass
class Rendered:
    html: str
    text: str
    sha256: str


class _Text(HTMLParser):
    BLOCKS = frozenset({"p", "li", "tr", "div", "h1", "h2", "h3", "br", "table"})

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    lines = (re.sub(r"[ \t]+", " ", line).strip(" |") for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def context(notice: Notice, case: Case, issued_on: date) -> dict:
    computation = compute_case(case, issued_on, rate_table=rate_table())
    url = verify_url(notice)
    return {"notice": notice, "case": case, "advocate": notice.advocate or case.advocate,
            "computation": computation, "issued_on": issued_on,
            "t": WORDING[notice.language.value], "cheque_amount": notice.cheque_amount,
            "mode": _mode_line(notice, case), "objections": _objections(case),
            "specified_value_reached": computation.total_due >= SPECIFIED_VALUE,
            "verify_url": url, "qr_data_uri": qr_data_uri(url),
            "body_template": BODY.format(kind=notice.kind.value, lang=notice.language.value),
            "note_in": note_in}


@dataclass(frozen=True)
class Objection:
    """A buyer's written objection to an invoice, as the MSMED notice must recite it (s.2(b))."""

    number: str
    raised_on: date
    removed_on: date | None
    in_time: bool  # within 15 days of delivery: it moved acceptance to its removal


def _objections(case: Case) -> list[Objection]:
    found = []
    for inv in case.invoices:
        if inv.objection_raised_on is None:
            continue
        delivery = inv.acceptance_date or inv.invoice_date
        in_time = inv.objection_raised_on <= delivery + timedelta(days=OBJECTION_WINDOW_DAYS)
        found.append(Objection(inv.number, inv.objection_raised_on, inv.objection_removed_on,
                               in_time))
    return found


def _mode_line(notice: Notice, case: Case) -> str:
    kinds = {c.kind for c in case.debtor.contacts}
    return service_modes(WORDING[notice.language.value], email=ContactKind.EMAIL in kinds,
                         mobile=ContactKind.MOBILE in kinds,
                         post=bool((case.debtor.postal_address or "").strip()))


def render_notice_html(notice: Notice, case: Case, issued_on: date) -> Rendered:
    """The full notice document (HTML for WeasyPrint) and the body's plain text for review diffs.
    The body is rendered once and placed in the document as it stands (it was rendered twice: included
    in the document, then again for its text)."""
    ctx = context(notice, case, issued_on)
    body = render_template(ctx["body_template"], **ctx)
    # Markup: the body is the autoescaped render of the project's template, placed as the include was.
    html = render_template("pdf/notice.html", body=Markup(body), **ctx)  # noqa: S704
    text = html_to_text(body)
    return Rendered(html=html, text=text, sha256=hashlib.sha256(html.encode()).hexdigest())


def _cached(html: str) -> Path:
    digest = hashlib.sha256(html.encode()).hexdigest()
    return Path(current_app.instance_path) / "notice-pdfs" / f"{digest}.pdf"


def render_notice_pdf(html: str, *, keep: bool = False) -> bytes:
    """The notice's PDF. A PDF rendered earlier from exactly this HTML (its SHA-256 names the file) is
    used instead of rendering again: bulk drafting renders each notice once (`keep=True`, which
    stores it) and signing takes that one (and removes it), so a notice is rendered once, not twice.
    A missing or unreadable file just means a render."""
    from portal.pdf import html_to_pdf

    path = _cached(html)
    try:
        pdf = path.read_bytes()
    except OSError:
        pdf = None
    if pdf and pdf.startswith(b"%PDF-"):
        if not keep:
            path.unlink(missing_ok=True)
        return pdf
    pdf = html_to_pdf(html, ("base.css", "notice.css"))
    if keep:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(pdf)
        partial.replace(path)  # whole or not at all, even with two workers on the same notice
    return pdf
