"""Legal notices: drafting and advocate review, signing and public verification, service with proof of
delivery, mandates and bulk notices, each in its own sub-package.

The door: other packages import the names in `__all__` from `notices`, never its modules."""
from flask import Flask

from notices import permissions  # noqa: F401  (registers the package's actions with the policy)
from notices.conduct import contact_policy, contacts_today, lock_debtors, other_contacts
from notices.drafting.rendering import check_can_draft
from notices.drafting.wording import note_in
from notices.drafting.workflow import add_version, grant_mandate, new_verification_code, start_notice
from notices.drafting.workflow import approve as approve_notice
from notices.drafting.workflow import submit as submit_notice
from notices.models import Notice, NoticeKind, NoticeLanguage, NoticeVersion
from notices.serving.contact_rules import ContactPolicy, ist_day_bounds, next_contact_time
from notices.serving.dispatch import dispatches_for, dispatches_page
from notices.serving.dispatch import serve as serve_notice
from notices.serving.documents import DocumentKind, ServedDocument, addressed_language, debtor_language
from notices.serving.documents import create as create_served_document
from notices.serving.documents import of_source as served_document_of
from notices.serving.hooks import issue_debtor_link, issue_debtor_links
from notices.serving.models import (
    ChannelKind,
    DeliveryEvent,
    DeliveryProof,
    Dispatch,
    EventKind,
    ServiceTerms,
)
from notices.serving.postal import record_posting, s10_check_digit
from notices.serving.proof import latest
from notices.serving.receipt import Receipt
from notices.serving.receipt import for_notice as receipt_for_notice
from notices.serving.states import DispatchStatus
from notices.serving.timeline import events_page as delivery_events_page
from notices.serving.timeline import notices_with_event as notices_with_delivery_event
from notices.serving.timeline import record as record_delivery_event
from notices.signing.ceremonies import abandon_pending_for_settlement, latest_for_settlement
from notices.signing.forms import CertificateForm
from notices.signing.hooks import finish_settlement_ceremony, settlement_complete
from notices.signing.models import SigningCeremony
from notices.signing.providers import LABELS as PROVIDER_LABELS
from notices.signing.providers import NAMES as PROVIDER_NAMES
from notices.signing.providers import HandOverPolicy, enabled_providers, provider_for
from notices.signing.signatures import advocate_key_material, sign_notice, sign_now, signature_intact
from notices.signing.states import ENDED as CEREMONY_ENDED
from notices.signing.states import SETTLEMENT_CEREMONY, CeremonyStatus
from notices.signing.verification import PublicRecord, notice_record, public_record
from notices.states import NOTICE, NoticeStatus

__all__ = ["CEREMONY_ENDED", "CeremonyStatus", "CertificateForm", "ChannelKind", "ContactPolicy",
           "DeliveryEvent", "DeliveryProof", "Dispatch", "DispatchStatus", "DocumentKind", "EventKind",
           "HandOverPolicy", "NOTICE", "Notice", "NoticeKind", "NoticeLanguage", "NoticeStatus",
           "NoticeVersion", "PROVIDER_LABELS", "PROVIDER_NAMES", "PublicRecord", "Receipt",
           "SETTLEMENT_CEREMONY", "ServedDocument", "ServiceTerms", "SigningCeremony",
           "abandon_pending_for_settlement", "add_version", "addressed_language", "advocate_key_material",
           "approve_notice", "check_can_draft", "contact_policy", "contacts_today", "create_served_document",
           "debtor_language", "delivery_events_page", "dispatches_for",
           "dispatches_page", "enabled_providers", "finish_settlement_ceremony",
           "grant_mandate", "init_notices", "issue_debtor_link", "issue_debtor_links", "ist_day_bounds",
           "latest",
           "latest_for_settlement", "new_verification_code", "next_contact_time", "note_in",
           "lock_debtors", "notice_record", "notices_with_delivery_event", "other_contacts",
           "provider_for", "public_record", "receipt_for_notice",
           "record_delivery_event", "record_posting", "s10_check_digit", "serve_notice", "served_document_of",
           "settlement_complete", "sign_notice", "sign_now", "signature_intact", "start_notice",
           "submit_notice"]


def init_notices(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from notices import bulk, drafting, mandates, serving, signing

    # A computation's method notes in the page's language on any page that shows the computation
    # (the case page, the debtor's), as the notice prints them (templates/cases/_computation.html).
    app.jinja_env.globals["note_in"] = note_in

    # The signing and mandate pages route on drafting's `notices` blueprint, and Flask refuses routes
    # added to a blueprint once it is registered: they attach theirs before drafting registers it.
    signing.init_app(app)
    mandates.init_app(app)
    drafting.init_app(app)
    bulk.init_app(app)
    serving.init_app(app)
    from notices.drafting.case_section import summaries
    from portal.cases import case_page_parts

    case_page_parts.provide("notice_summaries", summaries)
    from evidence import bundle_language

    bundle_language.provide(debtor_language)  # the bundle's s.63 certificate: the notice's language
    from notices.mandates import granting
    from portal.accounts import team_page_parts

    # The Team page shows each engaged advocate's mandate and how the administrator accepts one.
    team_page_parts.provide("mandates", lambda _actor, org, advocates: granting.current_each(
        org.id, [a.id for a in advocates]))
    team_page_parts.provide("mandate_by_totp", lambda actor, _org, _advocates: granting.uses_totp(actor))
