"""Builders for serving tests: a case with a signed notice, ready to serve."""
from __future__ import annotations

import functools

import pyotp

from notices.drafting import workflow as services
from notices.signing.signatures import sign_notice
from portal.cases.intake import today_ist
from portal.cases.models import ContactKind, PartyContact
from portal.cases.states import CaseStatus
from tests.factories import (
    AdvocateFactory,
    CaseFactory,
    CreditorFactory,
    EngagementFactory,
    mandate_in_force,
)

ALWAYS = {"contact_from_minute": 0, "contact_until_minute": 24 * 60, "daily_contact_cap": 50}


@functools.cache
def demo_pkcs12(name: str) -> bytes:
    from portal.adapters.esign.democert import make_demo_pkcs12

    return make_demo_pkcs12(name, b"pw")


def signed_notice(*, mobile: str | None = "+919812345678", window: dict | None = None, creditor=None,
                  **case_kw):
    """A creditor, its advocate and a case whose notice is signed; the contact window is the whole
    day unless `window` says otherwise. Returns (creditor, advocate, case, notice). `creditor`: one
    from an earlier call, for another case of the same creditor (a batch); each call has an advocate
    of its own (an approval takes a fresh two-factor code)."""
    if creditor is None:
        creditor = CreditorFactory()
        for key, value in (window or ALWAYS).items():
            setattr(creditor.organization, key, value)
    advocate = AdvocateFactory(name="Adv. Meera Iyer")
    EngagementFactory(org_id=creditor.org_id, advocate_id=advocate.id)
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED, advocate_id=advocate.id,
                       created_by_id=creditor.id, **case_kw)
    if mobile:
        case.debtor.contacts.append(PartyContact(kind=ContactKind.MOBILE, value=mobile, source="test"))
    advocate.advocate_profile.signing_pkcs12 = demo_pkcs12(advocate.name)
    advocate.advocate_profile.signing_passphrase = "pw"
    notice = services.start_notice(creditor, case, today_ist())
    services.submit(creditor, notice)
    mandate_in_force(creditor, advocate)
    services.approve(advocate, notice, pyotp.TOTP(advocate.totp_secret).now())
    sign_notice(advocate, notice)
    return creditor, advocate, case, notice


def delivered(notice, at=None, channel=None):
    """(`notice`: a notice or a served document.) The receiving side's report that it entered the debtor's resource (a DSN "delivered"
    or a provider's delivered receipt) on its first dispatch of `channel` (e-mail by default):
    IT Act s.13(2) receipt, which starts the period to pay."""
    from sqlalchemy import select

    from notices.serving import timeline
    from notices.serving.models import ChannelKind, Dispatch, EventKind, Purpose
    from notices.serving.subject import same
    from portal.extensions import db

    dispatch = db.session.scalar(select(Dispatch).where(
        same(Dispatch, notice), Dispatch.purpose == Purpose.NOTICE,
        Dispatch.channel == (channel or ChannelKind.EMAIL)).order_by(Dispatch.id).limit(1))
    return timeline.record(notice, EventKind.DELIVERED, source="dsn", dispatch=dispatch,
                           raw=f"delivered {dispatch.id} {at}".encode(), occurred_at=at)
