"""Which document a finished ceremony belongs to, and so who finishes it: the notice's signing or the
settlement agreement's. The provider callbacks in views/sign.py ask here and nowhere else."""
from __future__ import annotations

from flask import abort, url_for

from notices.signing.hooks import finish_settlement_ceremony, settlement_complete
from notices.signing.models import SigningCeremony
from notices.signing.states import CeremonyStatus
from portal.accounts import Action, require
from portal.adapters import SigningProvider
from portal.i18n import N_, gettext


def finish(ceremony: SigningCeremony, provider: SigningProvider, callback: dict, *,
           via: str) -> CeremonyStatus:
    """Finish a pending ceremony (its row lock held); SigningError or DomainError change nothing."""
    if ceremony.settlement_id is not None:
        return finish_settlement_ceremony(ceremony, provider, callback, via=via)
    from notices.signing.signatures import complete_ceremony

    return complete_ceremony(ceremony, provider, callback, via=via)


def authorize(actor, ceremony: SigningCeremony) -> None:
    """The signer coming back from the provider may act on this document (Forbidden, NotFound if not)."""
    if ceremony.settlement_id is not None:
        # Viewing suffices (the last signature settles the case and closes signing); it is their attempt.
        require(actor, Action.VIEW_SETTLEMENT, ceremony.settlement.case)
        if getattr(actor, "id", None) != ceremony.started_by_id:
            abort(403, N_("This signing attempt was started by someone else."))  # the error page translates
        return
    from notices.drafting.pages import load_notice

    require(actor, Action.REVIEW_NOTICE, load_notice(ceremony.notice_id).case)


def page_url(ceremony: SigningCeremony) -> str:
    if ceremony.settlement_id is not None:
        return url_for("settlement.show", reference=ceremony.settlement.case.reference)
    return url_for("notices.show_notice", notice_id=ceremony.notice_id)


def document_name(ceremony: SigningCeremony) -> str:
    return "settlement agreement" if ceremony.settlement_id is not None else "notice"


def signed_message(ceremony: SigningCeremony) -> str:
    """What the signer's page says of a signature that came back, in the page's language (a flash:
    only views/sign.py shows it; the ledger keeps its own record)."""
    if ceremony.settlement_id is None:
        return gettext("Signed. The notice is ready to serve.")
    if settlement_complete(ceremony.settlement):
        return gettext("Signed. Everyone has agreed: the settlement agreement is complete and the case is "
                       "settled.")
    return gettext("Signed. The agreement is complete once everyone has agreed to it.")


def abandoned_message(ceremony: SigningCeremony) -> str:
    """As signed_message, for an attempt that was not used; its reason is the ceremony's own record."""
    if ceremony.settlement_id is not None and ceremony.detail:
        return gettext("That signing attempt was not used: %(detail)s", detail=ceremony.detail)
    return gettext("That signing attempt was replaced by a newer one and was not used.")
