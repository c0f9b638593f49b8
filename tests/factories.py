"""factory_boy builders for the core models."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
import pyotp

from portal.accounts.models import (
    AdvocateProfile,
    Engagement,
    EnterpriseCategory,
    NeutralProfile,
    Organization,
    User,
)
from portal.accounts.passwords import hash_password
from portal.accounts.roles import Role
from portal.cases.models import Case, ClaimType, ContactKind, Invoice, Party, PartyContact
from portal.extensions import db

PASSWORD = "Correct-Horse-42"
_HASH = hash_password(PASSWORD)  # argon2 is deliberately slow: hash once for every factory user


class Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrganizationFactory(Base):
    class Meta:
        model = Organization

    legal_name = factory.Sequence(lambda n: f"Creditor {n} Pvt Ltd")
    address = "1 MG Road, Pune 411001"
    udyam_number = factory.Sequence(lambda n: f"UDYAM-MH-26-{n:07d}")
    udyam_registered_on = date(2020, 1, 1)
    enterprise_category = EnterpriseCategory.MICRO
    upi_vpa = "creditor@okhdfc"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.in")
    name = factory.Sequence(lambda n: f"User {n}")
    password_hash = _HASH
    role = Role.CREDITOR
    organization = None


class CreditorFactory(UserFactory):
    role = Role.CREDITOR
    organization = factory.SubFactory(OrganizationFactory)
    is_org_admin = True


class TotpUserFactory(UserFactory):
    totp_secret = factory.LazyFunction(pyotp.random_base32)
    totp_enabled = True


class AdvocateFactory(TotpUserFactory):
    role = Role.ADVOCATE
    advocate_profile = factory.RelatedFactory(
        "tests.factories.AdvocateProfileFactory", factory_related_name="user")


class AdvocateProfileFactory(Base):
    class Meta:
        model = AdvocateProfile

    enrolment_number = factory.Sequence(lambda n: f"MAH/{n}/2015")
    bar_council_state = "Maharashtra and Goa"


class NeutralFactory(TotpUserFactory):
    role = Role.NEUTRAL
    neutral_profile = factory.RelatedFactory(
        "tests.factories.NeutralProfileFactory", factory_related_name="user")


class NeutralProfileFactory(Base):
    class Meta:
        model = NeutralProfile


class AdminFactory(TotpUserFactory):
    role = Role.ADMIN


class DebtorUserFactory(UserFactory):
    role = Role.DEBTOR


class EngagementFactory(Base):
    class Meta:
        model = Engagement


class PartyFactory(Base):
    class Meta:
        model = Party

    legal_name = factory.Sequence(lambda n: f"Debtor {n} LLP")
    postal_address = "22 Residency Road, Bengaluru 560025"
    created_by_org_id = 0
    contacts = factory.LazyFunction(lambda: [
        PartyContact(kind=ContactKind.EMAIL, value="debtor@example.in", source="test")])


class CaseFactory(Base):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"SUL-2026-{900000 + n:06d}")
    creditor = factory.SubFactory(OrganizationFactory)
    debtor = factory.SubFactory(PartyFactory, created_by_org_id=factory.SelfAttribute("..creditor.id"))
    claim_type = ClaimType.COMMERCIAL_INVOICE
    created_by_id = factory.LazyAttribute(lambda o: UserFactory().id)
    invoices = factory.LazyFunction(lambda: [Invoice(
        number="INV-1", invoice_date=date(2026, 1, 10), due_date=date(2026, 2, 24),
        taxable_value=Decimal("100000.00"), gst_amount=Decimal("18000.00"),
        total=Decimal("118000.00"))])


# How migration p16 describes a mandate given before signed mandates (still in force).
LEGACY_MANDATE = "accepted online (before signed mandates)"


def mandate_in_force(creditor, advocate):
    """The creditor organisation's mandate to the advocate, in force as one given before signed
    mandates (migration p16 keeps those), for tests about what comes after the mandate. The signed
    ceremony (tests/notices/test_mandates.py) renders, seals and countersigns a PDF: about a fifth
    of every serving test's time when each built its own."""
    from notices.mandates.models import Mandate
    from notices.mandates.states import MandateStatus
    from portal.types import utcnow

    mandate = Mandate(org_id=creditor.org_id, advocate_id=advocate.id, text="Mandate to issue and send notices",
                      sha256="0" * 64, signed_by_id=creditor.id, signed_at=utcnow(), method=LEGACY_MANDATE,
                      status=MandateStatus.IN_FORCE, accepted_at=utcnow())
    db.session.add(mandate)
    db.session.flush()
    return mandate
