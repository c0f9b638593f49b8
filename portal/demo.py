"""Idempotent demo data: one creditor MSME, an advocate, a neutral, a debtor, an admin, a few cases."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pyotp
from sqlalchemy import select

from portal.accounts import EnterpriseCategory, OrgDetails, PersonDetails, Role, User, hash_password, sign_up
from portal.cases import (
    Case,
    CaseFacts,
    ClaimType,
    DebtorFacts,
    InvoiceFacts,
    PaymentFacts,
    PaymentMethod,
    assign_advocate,
    create_case,
    fire,
    today_ist,
)
from portal.extensions import db
from portal.rates import seed_bank_rates

DEMO_DSC_PASSPHRASE = "demo-dsc"  # noqa: S105  (the demo advocate's self-signed certificate)
PASSWORD = "Demo-Pass-2026"  # noqa: S105  (published demo logins, printed by `make run`)
# Fixed demo TOTP seeds so a developer can add them to an authenticator app once.
DEMO_TOTP = {role: f"SULAHDEMO{role.value.upper()}".ljust(32, "A")
             for role in (Role.ADVOCATE, Role.NEUTRAL, Role.ADMIN)}


@dataclass
class DemoLogins:
    password: str = PASSWORD
    accounts: list[tuple[str, str]] = field(default_factory=list)
    totp_note: str = ""


DEMO_EMAILS = {Role.ADVOCATE: "advocate@sulah.example", Role.NEUTRAL: "neutral@sulah.example",
               Role.ADMIN: "admin@sulah.example"}


@dataclass(frozen=True)
class DemoCode:
    role: Role
    email: str
    code: str
    seconds_left: int
    next_code: str


def current_codes(now: float) -> list[DemoCode]:
    """The authenticator codes of the demo users with two-factor sign-in, at `now` (a Unix time), and
    the next ones: a code is accepted once, so a second sign-in in the same 30 s takes the next."""
    codes = []
    for role, seed in DEMO_TOTP.items():
        totp = pyotp.TOTP(seed)
        left = int(totp.interval - now % totp.interval)
        codes.append(DemoCode(role, DEMO_EMAILS[role], totp.at(now), left, totp.at(now + totp.interval)))
    return codes


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _ensure(role: Role, email: str, name: str, **kw) -> User:
    user = _user(email)
    if user is None:
        user = User(email=email, name=name, role=role, password_hash=hash_password(PASSWORD), **kw)
        if role in DEMO_TOTP:
            user.totp_secret = DEMO_TOTP[role]
            user.totp_enabled = True
        db.session.add(user)
        db.session.flush()
    return user


def seed() -> DemoLogins:
    seed_bank_rates()
    creditor = _user("owner@kaveri-textiles.example")
    if creditor is None:
        creditor = sign_up(
            OrgDetails(legal_name="Kaveri Textiles Private Limited",
                                address="Plot 14, MIDC Bhiwandi, Thane 421302, Maharashtra",
                                gstin="27AAPFU0939F1ZV", pan="AAPFU0939F",
                                udyam_number="UDYAM-MH-33-0012345",
                                udyam_registered_on=date(2021, 4, 1),
                                enterprise_category=EnterpriseCategory.SMALL,
                                upi_vpa="kaveritextiles@okaxis"),
            PersonDetails(name="Meera Kulkarni", email="owner@kaveri-textiles.example",
                                   password=PASSWORD, phone="+919876543210"))
    advocate = _ensure(Role.ADVOCATE, DEMO_EMAILS[Role.ADVOCATE], "Adv. Rohan Deshpande",
                       phone="+919812345678")
    if advocate.advocate_profile is None:
        from portal.accounts import AdvocateProfile, Engagement
        from portal.adapters import make_demo_pkcs12

        # A self-signed demo DSC: notices it signs say DEMONSTRATION SIGNATURE on their stamp.
        advocate.advocate_profile = AdvocateProfile(
            enrolment_number="MAH/1234/2015", bar_council_state="Maharashtra and Goa",
            signing_pkcs12=make_demo_pkcs12(advocate.name, DEMO_DSC_PASSPHRASE.encode()),
            signing_passphrase=DEMO_DSC_PASSPHRASE)
        db.session.add(Engagement(org_id=creditor.org_id, advocate_id=advocate.id))
    neutral = _ensure(Role.NEUTRAL, DEMO_EMAILS[Role.NEUTRAL], "Justice (Retd.) A. Menon")
    if neutral.neutral_profile is None:
        from decimal import Decimal

        from arbitration import update_panel_profile

        db.session.flush()
        update_panel_profile(neutral, expertise="Commercial contracts, MSME disputes",
                             languages="English, Hindi, Malayalam",
                             fee_schedule="Sole arbitrator, documents only or up to two hearings",
                             base_fee=Decimal("45000.00"), available=True, availability_note="")
        from arbitration import install_neutral_key
        from portal.adapters import make_demo_pkcs12

        # A self-signed demo DSC for procedural orders and the award (stamped DEMONSTRATION).
        install_neutral_key(neutral, make_demo_pkcs12(neutral.name, DEMO_DSC_PASSPHRASE.encode()),
                             DEMO_DSC_PASSPHRASE)
    admin = _ensure(Role.ADMIN, DEMO_EMAILS[Role.ADMIN], "Platform Admin")
    debtor = _ensure(Role.DEBTOR, "accounts@shree-garments.example", "Shree Garments (accounts)")
    db.session.flush()
    _demo_webhook(creditor)
    if not db.session.scalar(select(Case.id).where(Case.creditor_org_id == creditor.org_id)):
        _demo_cases(creditor, advocate, debtor)
    logins = DemoLogins(accounts=[("creditor", creditor.email), ("advocate", advocate.email),
                                  ("debtor", debtor.email), ("neutral", neutral.email),
                                  ("admin", admin.email)])
    logins.totp_note = "  Two-factor seeds (add to an authenticator app): " + ", ".join(
        f"{r.value} {s}" for r, s in DEMO_TOTP.items()) + \
        "\n  Current codes: flask --app wsgi demo codes"
    return logins


def _demo_webhook(creditor: User) -> None:
    """An endpoint for every event type at an address where nothing listens (the discard port), so
    the Webhooks page shows deliveries, their failed attempts and the retries; point it at a receiver
    of your own to watch signed events arrive."""
    from portal import webhooks
    from portal.webhooks import services as webhook_services

    if webhook_services.endpoints_of_org(creditor.org_id):
        return
    webhook_services.register(creditor, "http://127.0.0.1:9/sulah-demo", list(webhooks.EVENT_TYPES),
                              "Demo: nothing listens here; change it to your own receiver")


def _demo_cases(creditor: User, advocate: User, debtor_user: User) -> None:
    today = today_ist()  # India's date: from 18:30 UTC it is already tomorrow there
    debtor = DebtorFacts(legal_name="Shree Garments LLP", gstin="29AAGCS1234F1Z5",
                         postal_address="12, 4th Cross, Peenya Industrial Area, Bengaluru 560058",
                         emails=["accounts@shree-garments.example"], mobiles=["+919900112233"])
    invoices = [InvoiceFacts(number=f"KT/25-26/{n:04d}", invoice_date=today - timedelta(days=d),
                             acceptance_date=today - timedelta(days=d - 3), credit_days=45,
                             taxable_value=Decimal(v), gst_amount=Decimal(v) * Decimal("0.05"))
                for n, d, v in [(101, 240, "185000.00"), (117, 200, "92500.00"), (131, 150, "240000.00")]]
    case = create_case(creditor, CaseFacts(
        debtor=debtor, invoices=invoices, claim_type=ClaimType.MSMED_INVOICE,
        payments=[PaymentFacts(amount=Decimal("50000.00"), paid_on=today - timedelta(days=120),
                               method=PaymentMethod.NEFT, reference="UTR SBIN0000123456")],
        has_written_agreement=True, agreement_date=today - timedelta(days=260), agreed_credit_days=45,
        summary="Fabric supplied against PO SG/PO/2025/88; unpaid after delivery."))
    case.debtor.user_id = debtor_user.id
    assign_advocate(creditor, case, advocate)
    fire(case, "file", creditor)
    create_case(creditor, CaseFacts(
        debtor=DebtorFacts(legal_name="Lotus Fashion House", emails=["lotus@fashion.example"]),
        invoices=[InvoiceFacts(number="KT/25-26/0150", invoice_date=today - timedelta(days=60),
                               due_date=today - timedelta(days=15), taxable_value=Decimal("45000.00"),
                               gst_amount=Decimal("2250.00"))],
        summary="Draft: awaiting the purchase order copy."))
    _approved_notice(creditor, advocate, today)
    _served_notice(creditor, advocate, today)
    _negotiating_case(creditor, advocate, debtor_user, today)
    _arbitration_case(creditor, advocate, debtor_user, today)


def _approved_notice(creditor: User, advocate: User, today: date) -> None:
    """A filed case whose notice the advocate has approved: sign it, then serve it from the case
    page, and watch the mail reach /dev/outbox."""
    import time

    from notices import approve_notice, grant_mandate, start_notice, submit_notice

    # The demo shows serving at once whatever the hour; real organisations keep 08:00-19:00 IST.
    creditor.organization.contact_from_minute, creditor.organization.contact_until_minute = 0, 24 * 60
    case = create_case(creditor, CaseFacts(
        debtor=DebtorFacts(legal_name="Ganesh Traders", postal_address="7 Tilak Road, Pune 411002",
                           emails=["accounts@ganesh-traders.example"], mobiles=["+919822001100"]),
        invoices=[InvoiceFacts(number="KT/25-26/0099", invoice_date=today - timedelta(days=120),
                               acceptance_date=today - timedelta(days=118), credit_days=30,
                               taxable_value=Decimal("64000.00"), gst_amount=Decimal("3200.00"))],
        claim_type=ClaimType.MSMED_INVOICE, has_written_agreement=True,
        agreement_date=today - timedelta(days=150), agreed_credit_days=30,
        summary="Yarn supplied; invoice unpaid. Notice approved, waiting for the advocate's signature."))
    assign_advocate(creditor, case, advocate)
    fire(case, "file", creditor)
    notice = start_notice(creditor, case, today)
    submit_notice(creditor, notice)
    grant_mandate(creditor, advocate)
    # The previous time-step's code: the advocate's own login may then use the current one.
    approve_notice(advocate, notice, pyotp.TOTP(DEMO_TOTP[Role.ADVOCATE]).at(time.time() - 30))


def _served_notice(creditor: User, advocate: User, today: date) -> None:
    """A case whose signed notice is served by e-mail as soon as the worker starts: the debtor opens
    the link from /dev/outbox, asks for the one-time code (the next mail there) and answers."""
    from notices import ChannelKind, serve_notice

    case = create_case(creditor, CaseFacts(
        debtor=DebtorFacts(legal_name="Sai Fabrics", postal_address="21 Ring Road, Surat 395002",
                           emails=["accounts@sai-fabrics.example"], mobiles=["+919898001122"]),
        invoices=[InvoiceFacts(number=f"KT/25-26/{n:04d}", invoice_date=today - timedelta(days=d),
                               acceptance_date=today - timedelta(days=d - 2), credit_days=30,
                               taxable_value=Decimal(v), gst_amount=Decimal(v) * Decimal("0.05"))
                  for n, d, v in [(121, 130, "72000.00"), (126, 110, "38000.00")]],
        claim_type=ClaimType.MSMED_INVOICE, has_written_agreement=True,
        agreement_date=today - timedelta(days=160), agreed_credit_days=30,
        summary="Grey fabric supplied; two invoices unpaid. Notice signed and served by e-mail."))
    notice = _signed_notice(creditor, advocate, case, today)
    serve_notice(creditor, notice, {ChannelKind.EMAIL}, escalate_to_odr=True)


def _signed_notice(creditor: User, advocate: User, case: Case, today: date):
    """File the case, then draft, submit, approve and sign its notice."""
    from notices import start_notice, submit_notice

    assign_advocate(creditor, case, advocate)
    fire(case, "file", creditor)
    notice = start_notice(creditor, case, today)
    submit_notice(creditor, notice)
    return _approve_and_sign(advocate, notice)


def _approve_and_sign(advocate: User, notice):
    from notices import NOTICE, sign_notice
    from portal import lifecycle
    from portal.types import utcnow

    # Approved by the seed itself, in the advocate's name and marked as the seed's in the ledger (the
    # advocate's one spare TOTP step went to the Ganesh Traders notice): the table's own transition.
    lifecycle.fire(NOTICE, notice, "approved", advocate, changes={"approved_at": utcnow()}, payload={
        "notice_id": notice.id, "version": notice.current.version, "sha256": notice.current.sha256,
        "by": "demo seed"})
    sign_notice(advocate, notice)
    return notice


def _negotiating_case(creditor: User, advocate: User, debtor_user: User, today: date) -> None:
    """A claim served by speed post and in the ODR room, with the creditor's offer of instalments on
    the table: log in as the demo debtor to answer it, counter it or accept it."""
    from arbitration import SettlementTerms, make_offer
    from notices import ChannelKind, record_posting, s10_check_digit, serve_notice
    from portal.accounts import Side

    case = create_case(creditor, CaseFacts(
        debtor=DebtorFacts(legal_name="Shree Garments LLP", gstin="29AAGCS1234F1Z5",
                           postal_address="12, 4th Cross, Peenya Industrial Area, Bengaluru 560058",
                           emails=["accounts@shree-garments.example"]),
        invoices=[InvoiceFacts(number="KT/25-26/0140", invoice_date=today - timedelta(days=100),
                               acceptance_date=today - timedelta(days=98), credit_days=30,
                               taxable_value=Decimal("120000.00"), gst_amount=Decimal("6000.00"))],
        claim_type=ClaimType.MSMED_INVOICE, has_written_agreement=True,
        agreement_date=today - timedelta(days=130), agreed_credit_days=30,
        summary="Shirting fabric supplied; the buyer says two rolls were short. In negotiation."))
    case.debtor.user_id = debtor_user.id
    notice = _signed_notice(creditor, advocate, case, today)
    (posted,) = serve_notice(creditor, notice, {ChannelKind.POST})
    serial = "40211937"
    record_posting(creditor, posted, f"EM{serial}{s10_check_digit(serial)}IN", "speed_post",
                          today)
    fire(case, "open_negotiation", debtor_user)
    make_offer(case, side=Side.CREDITOR, actor=creditor, note="Interest waived if paid on this schedule.",
               terms=SettlementTerms.equal_instalments(Decimal("120000.00"), 3, today + timedelta(days=15),
                                                       today=today))


AGREEMENT_HTML = """<h1>Supply agreement</h1>
<p>Between Kaveri Textiles Private Limited (supplier) and Mahalaxmi Stores (buyer).</p>
<p>1. The supplier delivers fabric against the buyer's purchase orders; the buyer pays within 30 days.</p>
<p>18. Any dispute arising out of this agreement shall be referred to arbitration by a sole arbitrator
under the Arbitration and Conciliation Act, 1996. The seat of arbitration is Mumbai.</p>"""
CLAUSE = ("Any dispute arising out of this agreement shall be referred to arbitration by a sole "
          "arbitrator under the Arbitration and Conciliation Act, 1996. The seat of arbitration is Mumbai.")


def _arbitration_case(creditor: User, advocate: User, debtor_user: User, today: date) -> None:
    """Talks failed: the clause in the supply agreement is on record and the s.21 notice invoking
    arbitration is signed and served (by e-mail when the worker starts). Log in as the admin to
    appoint the demo neutral, then as the neutral to file the disclosure and accept."""
    import io

    from arbitration import draft_s21_notice, invoke_arbitration, record_clause
    from evidence import DocumentKind, add_document
    from notices import (
        ChannelKind,
        record_posting,
        s10_check_digit,
        serve_notice,
        submit_notice,
    )
    from portal.pdf import html_to_pdf

    case = create_case(creditor, CaseFacts(
        debtor=DebtorFacts(legal_name="Mahalaxmi Stores", postal_address="3 Station Road, Nagpur 440001",
                           emails=["accounts@mahalaxmi-stores.example"]),
        invoices=[InvoiceFacts(number="KT/25-26/0088", invoice_date=today - timedelta(days=200),
                               acceptance_date=today - timedelta(days=198), credit_days=30,
                               taxable_value=Decimal("310000.00"), gst_amount=Decimal("15500.00"))],
        claim_type=ClaimType.COMMERCIAL_INVOICE, has_written_agreement=True,
        agreement_date=today - timedelta(days=400), agreed_credit_days=30,
        summary="Suiting fabric supplied; the buyer disputes the quality and will not pay. Talks failed."))
    demand = _signed_notice(creditor, advocate, case, today)
    (posted,) = serve_notice(creditor, demand, {ChannelKind.POST})
    serial = "40211945"
    record_posting(creditor, posted, f"EM{serial}{s10_check_digit(serial)}IN", "speed_post",
                          today)
    fire(case, "open_negotiation", creditor)
    agreement = add_document(creditor, case, io.BytesIO(html_to_pdf(AGREEMENT_HTML)),
                             "supply-agreement.pdf", DocumentKind.AGREEMENT)
    record_clause(creditor, case, document_id=agreement.id, page=1, clause_text=CLAUSE, seat="Mumbai")
    notice = draft_s21_notice(creditor, case, today)
    submit_notice(creditor, notice)
    _approve_and_sign(advocate, notice)
    invoke_arbitration(creditor, case, {ChannelKind.EMAIL})
