"""The role × route matrix: every URL rule of the app, tried by every kind of user.

Each (endpoint, method) of `app.url_map` is either in PUBLIC (reachable signed out, with the reason)
or in ROUTES with a Probe: how to build its URL and request, and which users get which status.
Everyone else must be refused: signed out → the login page (401 for the JSON API); a wrong role →
403 or 404; a stranger to the case (another creditor, an advocate not engaged or not assigned,
another debtor, a neutral not appointed) → 404 exactly, so a case's existence is not revealed.

A new route without an entry fails `test_every_route_is_in_the_matrix`: add one entry here.
"""
from __future__ import annotations

import importlib
import io
import pkgutil
from datetime import date
from decimal import Decimal

import pyotp
import pytest
from sqlalchemy import select

import tests.matrix as matrix_pkg
from evidence import services as evidence_services
from evidence.models import Document, DocumentKind
from notices.drafting import workflow as notice_services
from notices.models import Notice
from portal.cases.intake import today_ist
from portal.cases.states import CaseStatus
from portal.extensions import db
from portal.imports import services as import_services
from portal.imports.models import ImportBatch
from portal.imports.parsing import template_csv
from portal.rates.models import BankRate
from portal.types import utcnow
from tests.accounts.parties import ACTORS, CREDITORS, Parties
from tests.conftest import csrf_for
from tests.factories import CreditorFactory, mandate_in_force
from tests.matrix.common import (
    ADVOCATES,
    ALL_CREDITORS,
    LOGGED_IN,
    NOBODY,
    ORG_ADMINS,
    OTHER_ORG,
    VIEWERS,
    WITHOUT_TOTP,
    Probe,
    allow,
    case_url,
    undone,
    warm,
)

S = CaseStatus
_DEMO_P12: dict[str, bytes] = {}  # one generated key for every cell (RSA generation is slow)


def demo_p12(name: str) -> bytes:
    if "p12" not in _DEMO_P12:
        from portal.adapters.esign.democert import make_demo_pkcs12

        _DEMO_P12["p12"] = make_demo_pkcs12(name, b"pw")
    return _DEMO_P12["p12"]


class World(Parties):
    """The parties, plus the things some routes act on: notices, an import, a bank-rate row."""

    def notice(self, *, in_review: bool = False, mandate: bool = False) -> Notice:
        case = self.new_case(S.FILED)
        notice = notice_services.start_notice(self.creditor_admin, case, today_ist())
        if in_review:
            notice_services.submit(self.creditor_admin, notice)
        if mandate:
            self.give_advocate_a_dsc()
            self.mandate_in_force()
        return notice

    def payment(self):
        """A part payment on the FILED case, with no written acknowledgement by the payer yet."""
        from portal.cases.models import Payment, PaymentMethod

        case = self.case()
        payment = Payment(case=case, amount=Decimal("1000.00"), paid_on=date(2026, 3, 1),
                          method=PaymentMethod.NEFT, reference="UTR-M1",
                          recorded_by_id=self.creditor_admin.id)
        db.session.add(payment)
        db.session.flush()
        return payment

    def mandate_in_force(self):
        """The organisation's mandate to the advocate, in force (tests.factories.mandate_in_force):
        who may act is what these cells test, not the mandate's ceremony."""
        return mandate_in_force(self.creditor_admin, self.advocate)

    def give_advocate_a_dsc(self) -> None:
        """The advocate holds a demo DSC (one key for every cell: RSA generation and PKCS#12
        opening are slow, and a signer for the same file is cached)."""
        profile = self.advocate.advocate_profile
        profile.signing_pkcs12 = demo_p12(self.advocate.name)
        profile.signing_passphrase = "pw"
        db.session.flush()

    def totp_admin(self) -> None:
        """The organisation's administrator, with an authentication app (to accept mandates)."""
        self.creditor_admin.totp_secret, self.creditor_admin.totp_enabled = pyotp.random_base32(), True
        db.session.flush()

    def accepted_mandate(self):
        """A mandate the administrator has accepted (sealed), awaiting the advocate's signature;
        the advocate holds a demo DSC."""
        from notices.mandates import granting as mandates

        mandate = mandates._accept(self.creditor_admin, self.advocate, "", mandates.SEED_METHOD, {})
        self.give_advocate_a_dsc()
        return mandate

    def signable_notice(self) -> Notice:
        """An approved notice; the advocate holds a demo DSC."""
        from notices.states import NoticeStatus

        notice = self.notice(in_review=True, mandate=True)
        notice.status = NoticeStatus.APPROVED
        db.session.flush()
        return notice

    def signing_ceremony(self):
        """A DocuSign signature started on an approved notice (returning from it with ?event=cancel
        calls nobody)."""
        from notices.signing.models import SigningCeremony

        notice = self.signable_notice()
        ceremony = SigningCeremony(notice_id=notice.id, provider="docusign", provider_ref=f"envelope-{notice.id}",
                                   document_sha256="0" * 64, started_by_id=self.advocate.id)
        db.session.add(ceremony)
        db.session.flush()
        return ceremony

    def signed_notice(self) -> Notice:
        from notices.signing.signatures import sign_notice

        notice = self.signable_notice()
        sign_notice(self.advocate, notice)
        return notice

    def proven_notice(self) -> Notice:
        """A signed notice with a delivery-proof certificate issued."""
        from notices.serving import proof

        notice = self.signed_notice()
        proof.refresh(notice.id)
        return notice

    def served_document(self):
        """A signed award served as a document of its own, with a delivery-proof certificate."""
        from evidence.services import store_pdf
        from notices.serving import documents, proof, timeline
        from notices.serving.models import EventKind

        document = documents.create(self.advocate, self.case(), documents.DocumentKind.AWARD, 1,
                                    sender="the arbitral tribunal", signatory="A. Menon", signed_at=utcnow(),
                                    signed_pdf_sha256=store_pdf(b"%PDF-1.7 award\n%%EOF\n"))
        timeline.record(document, EventKind.ACKNOWLEDGED, source="sulah", raw=b"matrix")
        proof.refresh(f"d{document.id}")
        return document

    def expert_request(self):
        """Part B of the s.63 certificate asked of an expert on the proven notice's delivery proof."""
        from notices.serving import part_b

        return part_b.request(self.creditor_admin, self.proven_notice(), "Dr. Asha Rao", "Examiner (s.79A)")

    def posted_dispatch(self, *, recorded: bool = False):
        """The signed notice served by registered post; `recorded`: its article number is recorded."""
        from notices.serving import postal
        from notices.serving.dispatch import serve
        from notices.serving.models import ChannelKind

        notice = self.signed_notice()
        (dispatch,) = serve(self.creditor_admin, notice, {ChannelKind.POST})
        if recorded:
            postal.record_posting(self.creditor_admin, dispatch, "RK123456785IN", "registered_post", today_ist())
        return dispatch

    def notice_batch(self, *, sampled: bool = False):
        """A bulk request of the creditor: one notice in review for the advocate, mandate given;
        `sampled`: the advocate has drawn and opened the sample (so the batch can be approved)."""
        from notices.bulk import batches as bulk
        from notices.bulk.states import BatchItemStatus
        from notices.models import NoticeLanguage

        notice = self.notice(in_review=True, mandate=True)
        batch = bulk.request_notices(self.creditor_admin, [notice.case_id], language=NoticeLanguage.ENGLISH,
                                     pay_within_days=15, submit_for_review=True)
        batch.items[0].status, batch.items[0].notice_id = BatchItemStatus.DRAFTED, notice.id
        db.session.flush()
        if sampled:
            for item in bulk.sample(self.advocate, batch):
                bulk.view_sample(self.advocate, item)
        return batch

    def import_batch(self) -> ImportBatch:
        batch = ImportBatch(org_id=self.org.id, sha256="a" * 64, filename="invoices.csv", rows=1,
                            cases_created=1, invoices_created=1, rows_skipped=0,
                            created_by_id=self.creditor_admin.id)
        db.session.add(batch)
        db.session.flush()
        return batch

    def staged_upload(self) -> dict:
        staged = import_services.stage(io.BytesIO(template_csv().encode()), "invoices.csv", self.org.id)
        return {"sha256": staged.sha256, "suffix": "csv", "filename": staged.filename}

    def document(self) -> Document:
        """A text document on the FILED case, uploaded by the creditor."""
        return evidence_services.add_document(
            self.creditor_admin, self.case(), io.BytesIO(b"Delivery challan 42, signed by the buyer.\n"),
            "challan.txt", DocumentKind.DELIVERY_PROOF)

    def bank_rate(self) -> BankRate:
        return db.session.scalars(select(BankRate).order_by(BankRate.effective_from.desc())).first()


DEBTORS = frozenset({"debtor", "other_debtor"})
ROUTES: dict[tuple[str, str], Probe] = {
    # Accounts
    ("accounts.team", "GET"): Probe(lambda w: "/team", allow(ORG_ADMINS, 200), hidden_from=NOBODY),
    ("accounts.team", "POST"): Probe(
        lambda w: "/team", allow(ORG_ADMINS, 302), hidden_from=NOBODY,
        form=lambda w: {"email": "new.colleague@example.in", "role": "creditor"}),
    # A colleague's access: its organisation's administrator only; another organisation's learns
    # nothing (404).
    ("accounts.switch_off_member", "POST"): Probe(
        lambda w: f"/team/members/{CreditorFactory(organization=w.org).id}/switch-off",
        allow({"creditor_admin"}, 302), hidden_from=OTHER_ORG),
    ("accounts.switch_on_member", "POST"): Probe(
        lambda w: f"/team/members/{CreditorFactory(organization=w.org, active=False).id}/switch-on",
        allow({"creditor_admin"}, 302), hidden_from=OTHER_ORG),
    ("accounts.totp_setup", "GET"): Probe(lambda w: "/account/2fa", allow(LOGGED_IN, 200),
                                          hidden_from=NOBODY),
    # Self-service: a wrong code is 422 for users still setting up, "already on" (200) for the rest.
    ("accounts.totp_setup", "POST"): Probe(
        lambda w: "/account/2fa", {**allow(LOGGED_IN, 200), **allow(WITHOUT_TOTP, 422)},
        form=lambda w: {"code": "000000"}, hidden_from=NOBODY),
    # Cases
    # A debtor's home is its own list of claims: the dashboard sends it there.
    ("web.dashboard", "GET"): Probe(lambda w: "/dashboard", allow(LOGGED_IN - DEBTORS, 200, debtor=302,
                                                                  other_debtor=302), hidden_from=NOBODY),
    ("cases.list_cases", "GET"): Probe(lambda w: "/cases/", allow(LOGGED_IN, 200), hidden_from=NOBODY),
    ("cases.new_case", "GET"): Probe(lambda w: "/cases/new", allow(ALL_CREDITORS, 200), hidden_from=NOBODY),
    ("cases.new_case", "POST"): Probe(lambda w: "/cases/new", allow(ALL_CREDITORS, 200),
                                      form=lambda w: {"add_invoice": "1"}, hidden_from=NOBODY),
    ("cases.show_case", "GET"): Probe(case_url(), allow(VIEWERS, 200)),
    ("cases.case_audit", "GET"): Probe(
        case_url(suffix="/audit"), allow(CREDITORS | {"advocate", "neutral", "admin"}, 200)),
    ("cases.edit_case", "GET"): Probe(case_url(S.DRAFT, "/edit"), allow(CREDITORS, 200)),
    ("cases.edit_case", "POST"): Probe(case_url(S.DRAFT, "/edit"), allow(CREDITORS, 200),
                                       form=lambda w: {"add_invoice": "1"}),
    ("cases.transition_case", "POST"): Probe(case_url(suffix="/actions/withdraw"),
                                             allow(CREDITORS, 302), form=lambda w: {}),
    ("cases.add_payment", "POST"): Probe(
        case_url(suffix="/payments"), allow(CREDITORS, 302),
        form=lambda w: {"amount": "100.00", "paid_on": "2026-03-01", "method": "upi"}),
    ("cases.add_acknowledgement", "POST"): Probe(
        case_url(suffix="/acknowledgements"), allow(CREDITORS, 302),
        form=lambda w: {"acknowledged_on": "2026-03-01", "description": "Signed ledger confirmation"}),
    ("cases.acknowledge_payment", "POST"): Probe(
        case_url(suffix="/payment-acknowledgements"), allow(CREDITORS, 302),
        form=lambda w: {"payment_id": str(w.payment().id),
                        "document": "Debtor's signed letter of 2 Mar 2026 enclosing the cheque"}),
    ("cases.justify", "POST"): Probe(
        case_url(suffix="/justifications"), allow(CREDITORS | {"advocate"}, 302),
        form=lambda w: {"invoice_id": str(w.case().invoices[0].id),
                        "justification": "The debtor acknowledged the debt in writing in 2025."}),
    ("api.list_cases", "GET"): Probe(lambda w: "/api/cases", allow(LOGGED_IN, 200), hidden_from=NOBODY),
    ("api.get_case", "GET"): Probe(lambda w: f"/api/cases/{w.case().reference}", allow(VIEWERS, 200)),
    ("api.create_case", "POST"): Probe(
        lambda w: "/api/cases", allow(ALL_CREDITORS, 201), hidden_from=NOBODY,
        json=lambda w: {"debtor": {"legal_name": "Lotus Fashion", "emails": ["ap@lotus.example"]},
                        "invoices": [{"number": "L-1", "invoice_date": "2026-02-01",
                                      "taxable_value": "25000.00"}]}),
    # Bulk import
    ("imports.upload", "GET"): Probe(lambda w: "/imports/", allow(ALL_CREDITORS, 200), hidden_from=NOBODY),
    ("imports.upload", "POST"): Probe(
        lambda w: "/imports/", allow(ALL_CREDITORS, 200), hidden_from=NOBODY,
        form=lambda w: {"file": (io.BytesIO(template_csv().encode()), "invoices.csv")}),
    # A staged upload belongs to the organisation that uploaded it: another one gets 404.
    ("imports.confirm", "POST"): Probe(lambda w: "/imports/confirm", allow(CREDITORS, 302),
                                       form=World.staged_upload, hidden_from=OTHER_ORG),
    ("imports.error_report", "POST"): Probe(lambda w: "/imports/errors.csv",
                                            allow(CREDITORS, 200), form=World.staged_upload,
                                            hidden_from=OTHER_ORG),
    ("imports.show_batch", "GET"): Probe(lambda w: f"/imports/{w.import_batch().id}",
                                         allow(CREDITORS, 200), hidden_from=OTHER_ORG),
    ("imports.template", "GET"): Probe(lambda w: "/imports/template.csv", allow(LOGGED_IN, 200),
                                       hidden_from=NOBODY),
    # Evidence (the debtor sees it only once the notice is served: refused on this FILED case)
    ("evidence.list_documents", "GET"): Probe(
        case_url(suffix="/evidence"), allow(CREDITORS | {"advocate", "neutral", "admin"}, 200)),
    ("evidence.list_documents", "POST"): Probe(
        case_url(suffix="/evidence"), allow(CREDITORS | {"advocate"}, 302),
        form=lambda w: {"file": (io.BytesIO(b"Ledger extract, March 2026.\n"), "ledger.txt"),
                        "kind": "ledger", "description": "Ledger extract"}),
    ("evidence.download", "GET"): Probe(
        lambda w: f"/cases/{w.case().reference}/evidence/{w.document().id}",
        allow(CREDITORS | {"advocate", "neutral", "admin"}, 200)),
    ("evidence.withdraw", "POST"): Probe(
        lambda w: f"/cases/{w.case().reference}/evidence/{w.document().id}/withdraw",
        allow(CREDITORS, 302), form=lambda w: {"reason": "Uploaded to the wrong case."}),
    ("evidence.bundle", "GET"): Probe(case_url(suffix="/evidence/bundle.zip"),
                                      allow(CREDITORS | {"advocate", "admin"}, 200)),
    # Platform administration
    ("rates.list_rates", "GET"): Probe(lambda w: "/admin/bank-rates", {"admin": 200}, hidden_from=NOBODY),
    ("rates.add_rate", "POST"): Probe(
        lambda w: "/admin/bank-rates", {"admin": 302}, hidden_from=NOBODY,
        form=lambda w: {"effective_from": "1990-01-02", "rate_percent": "10.00",
                        "source_note": "RBI press release (matrix test)"}),
    ("rates.edit_rate", "GET"): Probe(lambda w: f"/admin/bank-rates/{w.bank_rate().id}/edit",
                                      {"admin": 200}, hidden_from=NOBODY),
    ("rates.edit_rate", "POST"): Probe(
        lambda w: f"/admin/bank-rates/{w.bank_rate().id}/edit", {"admin": 302}, hidden_from=NOBODY,
        form=lambda w: {"effective_from": w.bank_rate().effective_from.isoformat(),
                        "rate_percent": str(w.bank_rate().rate_percent),
                        "source_note": w.bank_rate().source_note}),
    # Notices
    ("notices.new_notice", "GET"): Probe(case_url(suffix="/notices/new"), allow(CREDITORS, 200)),
    ("notices.new_notice", "POST"): Probe(case_url(suffix="/notices/new"), allow(CREDITORS, 302),
                                          form=lambda w: {"language": "en", "pay_within_days": "15"}),
    ("notices.show_notice", "GET"): Probe(
        lambda w: f"/notices/{w.notice(in_review=True).id}",
        allow(CREDITORS | {"advocate", "admin"}, 200)),
    ("notices.preview_pdf", "GET"): Probe(
        lambda w: f"/notices/{w.notice(in_review=True).id}/preview.pdf",
        allow(CREDITORS | {"advocate", "admin"}, 200)),
    ("notices.submit_notice", "POST"): Probe(lambda w: f"/notices/{w.notice().id}/submit",
                                             allow(CREDITORS, 302), form=lambda w: {}),
    ("notices.revise_notice", "POST"): Probe(lambda w: f"/notices/{w.notice().id}/revise",
                                             allow(CREDITORS, 302), form=lambda w: {}),
    ("notices.return_notice", "POST"): Probe(
        lambda w: f"/notices/{w.notice(in_review=True).id}/return", {"advocate": 302},
        form=lambda w: {"comment": "Give 21 days to pay."}),
    ("notices.approve_notice", "POST"): Probe(
        lambda w: f"/notices/{w.notice(in_review=True, mandate=True).id}/approve", {"advocate": 302},
        form=lambda w: {"code": pyotp.TOTP(w.advocate.totp_secret).now()}),
    ("notices.sign_notice", "POST"): Probe(
        lambda w: f"/notices/{w.signable_notice().id}/sign", {"advocate": 302}, form=lambda w: {}),
    ("notices.signing_return", "GET"): Probe(
        lambda w: f"/notices/signing/{w.signing_ceremony().token}/return?event=cancel", {"advocate": 302}),
    ("notices.signed_pdf", "GET"): Probe(
        lambda w: f"/notices/{w.signed_notice().id}/signed.pdf",
        allow(CREDITORS | {"advocate", "admin"}, 200)),
    ("notices.signing_certificate", "GET"): Probe(lambda w: "/account/certificate", allow(ADVOCATES, 200),
                                                  hidden_from=NOBODY),
    ("notices.signing_certificate", "POST"): Probe(lambda w: "/account/certificate", allow(ADVOCATES, 422),
                                                   form=lambda w: {"passphrase": "x"}, hidden_from=NOBODY),
    ("notices.review_queue", "GET"): Probe(lambda w: "/notices/review", allow(ADVOCATES, 200),
                                           hidden_from=NOBODY),
    # Serving
    ("serving.show_delivery", "GET"): Probe(lambda w: f"/notices/{w.signed_notice().id}/delivery",
                                            allow(CREDITORS | {"advocate", "admin"}, 200)),
    ("serving.serve_notice", "POST"): Probe(lambda w: f"/notices/{w.signed_notice().id}/serve",
                                            allow(CREDITORS, 302), form=lambda w: {"email": "y"}),
    ("serving.delivery_proof", "GET"): Probe(lambda w: f"/notices/{w.proven_notice().id}/delivery-proof.pdf",
                                             allow(CREDITORS | {"advocate", "admin"}, 200)),
    ("serving.show_document_delivery", "GET"): Probe(lambda w: f"/served/{w.served_document().id}/delivery",
                                                     allow(CREDITORS | {"advocate", "admin"}, 200)),
    ("serving.document_delivery_proof", "GET"): Probe(
        lambda w: f"/served/{w.served_document().id}/delivery-proof.pdf",
        allow(CREDITORS | {"advocate", "admin"}, 200)),
    ("serving.request_expert_certificate", "POST"): Probe(
        lambda w: f"/notices/{w.proven_notice().id}/expert-certificates", allow(CREDITORS | {"advocate"}, 302),
        form=lambda w: {"expert_name": "Dr. Asha Rao"}),
    ("serving.attach_expert_certificate", "POST"): Probe(
        lambda w: f"/expert-certificates/{w.expert_request().id}", allow(CREDITORS | {"advocate"}, 302),
        form=lambda w: {"file": (io.BytesIO(b"Part B certificate, signed.\n"), "part-b.txt")}),
    # Registered / speed post (the advocate may print the pack; only the creditor records the posting)
    ("postal.download_pack", "GET"): Probe(lambda w: f"/dispatches/{w.posted_dispatch().id}/post-pack.pdf",
                                           allow(CREDITORS | {"advocate", "admin"}, 200)),
    ("postal.record_posting", "POST"): Probe(
        lambda w: f"/dispatches/{w.posted_dispatch().id}/posting", allow(CREDITORS, 302),
        form=lambda w: {"article_number": "RK123456785IN", "service": "registered_post",
                        "booked_on": today_ist().isoformat()}),
    ("postal.upload_tracking", "POST"): Probe(
        lambda w: f"/dispatches/{w.posted_dispatch(recorded=True).id}/tracking", allow(CREDITORS, 302),
        form=lambda w: {"file": (io.BytesIO(b"RK123456785IN Item Delivered\n"), "tracking.txt")}),
    ("postal.upload_returned_card", "POST"): Probe(
        lambda w: f"/dispatches/{w.posted_dispatch(recorded=True).id}/returned-card", allow(CREDITORS, 302),
        form=lambda w: {"file": (io.BytesIO(b"A.D. card, signed by the addressee.\n"), "card.txt"),
                        "delivered_on": today_ist().isoformat()}),
    ("notices.grant_mandate", "POST"): Probe(
        lambda w: (w.totp_admin(), f"/mandates/{w.advocate.id}")[1], {"creditor_admin": 302},
        form=lambda w: {"code": pyotp.TOTP(w.creditor_admin.totp_secret).now()}, hidden_from=OTHER_ORG),
    ("notices.send_mandate_code", "POST"): Probe(lambda w: f"/mandates/{w.advocate.id}/code",
                                                 {"creditor_admin": 302}, form=lambda w: {},
                                                 hidden_from=OTHER_ORG),
    ("notices.advocate_mandates", "GET"): Probe(lambda w: "/mandates", allow(ADVOCATES, 200),
                                                hidden_from=NOBODY),
    ("notices.sign_mandate", "POST"): Probe(lambda w: f"/mandates/{w.accepted_mandate().id}/sign",
                                            {"advocate": 302}, form=lambda w: {},
                                            hidden_from=frozenset({"unengaged_advocate", "unassigned_advocate"})),
    ("notices.mandate_pdf", "GET"): Probe(lambda w: f"/mandates/{w.accepted_mandate().id}/mandate.pdf",
                                          {"creditor_admin": 200, "advocate": 200},
                                          hidden_from=frozenset({"other_creditor", "unengaged_advocate",
                                                                 "unassigned_advocate"})),
    # Revoking a mandate asks first and takes the reason (issue 16, item 7).
    ("notices.revoke_mandate", "GET"): Probe(lambda w: f"/mandates/{w.mandate_in_force().id}/revoke",
                                             {"creditor_admin": 200}, hidden_from=OTHER_ORG),
    ("notices.revoke_mandate", "POST"): Probe(lambda w: f"/mandates/{w.mandate_in_force().id}/revoke",
                                              {"creditor_admin": 302}, hidden_from=OTHER_ORG,
                                              form=lambda w: {"reason": "We have engaged another advocate."}),
    # Bulk notices (the creditor's request and progress; the advocate's sampled batch approval)
    ("notice_batches.new_batch", "GET"): Probe(lambda w: "/notices/batches/new", allow(ALL_CREDITORS, 200),
                                               hidden_from=NOBODY),
    ("notice_batches.new_batch", "POST"): Probe(
        lambda w: "/notices/batches/new", allow(CREDITORS, 302, other_creditor=422), hidden_from=NOBODY,
        form=lambda w: {"case_id": str(w.case().id), "language": "en", "pay_within_days": "15"}),
    ("notice_batches.list_batches", "GET"): Probe(lambda w: "/notices/batches/", allow(ALL_CREDITORS, 200),
                                                  hidden_from=NOBODY),
    ("notice_batches.show_batch", "GET"): Probe(lambda w: f"/notices/batches/{w.notice_batch().id}",
                                                allow(CREDITORS, 200), hidden_from=OTHER_ORG),
    ("notice_batches.batch_progress", "GET"): Probe(
        lambda w: f"/notices/batches/{w.notice_batch().id}/progress.json", allow(CREDITORS, 200),
        hidden_from=OTHER_ORG),
    ("notice_batches.review_batches", "GET"): Probe(lambda w: "/notices/batches/review",
                                                    allow(ADVOCATES, 200), hidden_from=NOBODY),
    ("notice_batches.review_batch", "GET"): Probe(
        lambda w: f"/notices/batches/{w.notice_batch().id}/review", {"advocate": 200},
        hidden_from=frozenset({"unengaged_advocate", "unassigned_advocate"})),
    ("notice_batches.open_sample", "GET"): Probe(
        lambda w: (lambda b: f"/notices/batches/{b.id}/sample/{b.items[0].id}")(w.notice_batch(sampled=True)),
        {"advocate": 200}, hidden_from=frozenset({"unengaged_advocate", "unassigned_advocate"})),
    ("notice_batches.approve_batch", "POST"): Probe(
        lambda w: f"/notices/batches/{w.notice_batch(sampled=True).id}/approve", {"advocate": 302},
        form=lambda w: {"code": pyotp.TOTP(w.advocate.totp_secret).now()},
        hidden_from=frozenset({"unengaged_advocate", "unassigned_advocate"})),
}

# Reachable signed out, and why.
PUBLIC: dict[tuple[str, str], str] = {
    ("static", "GET"): "stylesheets and images",
    ("web.home", "GET"): "the landing page",
    ("web.health", "GET"): "the load balancer's health check",
    ("web.favicon", "GET"): "the site icon browsers ask for on their own",
    ("accounts.login", "GET"): "signing in", ("accounts.login", "POST"): "signing in",
    ("accounts.login_2fa", "GET"): "second step; needs the password step in the session",
    ("accounts.login_2fa", "POST"): "second step; needs the password step in the session",
    ("accounts.logout", "POST"): "harmless when signed out",
    ("accounts.signup", "GET"): "registration", ("accounts.signup", "POST"): "registration",
    ("accounts.reset_request", "GET"): "forgotten password",
    ("accounts.reset_request", "POST"): "forgotten password",
    ("accounts.reset_password", "GET"): "holder of the e-mailed token",
    ("accounts.reset_password", "POST"): "holder of the e-mailed token",
    ("accounts.accept_invitation", "GET"): "holder of the e-mailed token",
    ("accounts.accept_invitation", "POST"): "holder of the e-mailed token",
    ("notices.verify", "GET"): "anyone holding a notice checks it",
    ("notices.verify", "POST"): "anyone holding a notice checks it",
    ("notices.verify_lookup", "GET"): "anyone holding a notice checks it",
    ("debtor.open_notice", "GET"): "holder of the personal link in the served notice",
    ("debtor.send_code", "POST"): "holder of the personal link asks for its one-time code",
    ("debtor.check_code", "POST"): "holder of the personal link enters its one-time code",
    ("notices.esign_response", "POST"): "the eSign Service Provider's post-back, authenticated by its XML "
                                         "signature and the one-time pending transaction",
    ("notices.docusign_connect", "POST"): "DocuSign Connect webhook, authenticated by HMAC",
    ("webhooks.status_webhook", "POST"): "SMS/WhatsApp provider callback, authenticated by its signature",
    ("webhooks.whatsapp_verify", "GET"): "WhatsApp subscription handshake, checked against the verify token",
    ("webhooks.inbound_mail", "POST"): "inbound bounces, authenticated by HMAC",
    ("webhooks.pixel", "GET"): "tracking pixel named by a random per-dispatch token",
    # Registered only in development (test_security_headers checks production has none).
    ("dev.outbox_list", "GET"): "development only", ("dev.outbox_show", "GET"): "development only",
    ("dev.outbox_attachment", "GET"): "development only", ("dev.outbox_document", "GET"): "development only",
}

for _area in sorted(m.name for m in pkgutil.iter_modules(matrix_pkg.__path__) if m.name != "common"):
    _module = importlib.import_module(f"tests.matrix.{_area}")
    ROUTES.update(getattr(_module, "ROUTES", {}))
    PUBLIC.update(getattr(_module, "PUBLIC", {}))


def app_routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_is_in_the_matrix(app):
    routes = app_routes(app)
    missing = sorted(routes - set(ROUTES) - set(PUBLIC))
    stale = sorted((set(ROUTES) | set(PUBLIC)) - routes)
    assert not missing, f"add these routes to ROUTES (or PUBLIC) in {__file__}: {missing}"
    assert not stale, f"these matrix entries match no route any more: {stale}"
    assert not set(ROUTES) & set(PUBLIC)


def test_every_probe_names_real_users():
    for key, probe in ROUTES.items():
        assert set(probe.ok) <= LOGGED_IN, key
        assert set(probe.known_gaps) <= LOGGED_IN - set(probe.ok), key


def send(client, method: str, path: str, probe: Probe, world: World):
    if method == "GET":
        return client.get(path)
    token = csrf_for(client)
    if probe.json is not None:
        return client.post(path, json=probe.json(world), headers={"X-CSRFToken": token})
    data = {"csrf_token": token, **(probe.form(world) if probe.form else {})}
    return client.open(path, method=method, data=data)


def verdict(actor: str, user, probe: Probe, method: str, path: str, resp) -> str | None:
    """What is wrong with the answer `actor` got (None if it is what the matrix says)."""
    status = resp.status_code
    where = f"{actor} {method} {path}: {status}"
    if user is None:
        if path.startswith("/api/"):
            return None if status == 401 and resp.get_json()["message"] else where
        return None if status == 302 and resp.headers["Location"].startswith("/login") else where
    if actor in probe.ok:
        return None if status == probe.ok[actor] else f"{where}\n{resp.get_data(as_text=True)[:800]}"
    if actor in probe.hidden_from:
        return None if status == 404 else f"{where} (a stranger must get 404)"
    return None if status in (403, 404) else f"{where} (a wrong role must get 403 or 404)"


@pytest.mark.parametrize("endpoint,method", sorted(ROUTES), ids=str)
def test_matrix(client, auth, db_session, endpoint, method):
    """Every user tries the route on one world, built once; each try is rolled back (`undone`)."""
    probe = ROUTES[(endpoint, method)]
    world = World()
    path = warm(world, probe, ACTORS)
    wrong, gaps_closed = [], []
    for actor in ACTORS:
        with undone(client):
            user = world.user(actor)
            if user is not None:
                auth.login_as(user)
            resp = send(client, method, path, probe, world)
            resp.close()
            problem = verdict(actor, user, probe, method, path, resp)
        if actor in probe.known_gaps:
            if problem is None:
                gaps_closed.append(f"{actor}: {probe.known_gaps[actor]}")
        elif problem:
            wrong.append(problem)
    assert not wrong, "\n".join(wrong)
    assert not gaps_closed, f"known gaps now closed, remove them from the probe: {gaps_closed}"


def _public_gets():
    values = {"filename": "sulah.css", "token": "no-such-token", "code": "NOSUCHCODE",
              "name": "0000000000-00000000.eml", "index": 0, "provider": "no-such-provider"}
    return [(endpoint, values) for endpoint, method in PUBLIC if method == "GET"]


@pytest.mark.parametrize("endpoint,values", _public_gets(), ids=lambda v: v if isinstance(v, str) else "")
def test_public_pages_open_without_login(app, client, db_session, endpoint, values):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    path = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
    resp = client.get(path)
    resp.close()
    assert resp.status_code < 500 and resp.status_code not in (401, 403), path
    to_login = resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    # The second sign-in step sends back to the first when no password step is pending.
    assert to_login == (endpoint == "accounts.login_2fa"), path
