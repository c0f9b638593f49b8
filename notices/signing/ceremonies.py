"""Finding signing ceremonies (by the provider's reference, the return token, the document) and
abandoning the unfinished ones when a newer attempt replaces them."""
from __future__ import annotations

from sqlalchemy import select

from notices.models import Notice
from notices.signing.models import SigningCeremony
from notices.signing.states import CEREMONY, SETTLEMENT_CEREMONY, CeremonyStatus
from portal import lifecycle
from portal.extensions import db
from portal.types import utcnow


def by_reference(provider: str, provider_ref: str) -> SigningCeremony | None:
    """The attempt a callback answers, row-locked so a second callback waits for the first to finish."""
    if not provider_ref:
        return None
    return db.session.scalar(select(SigningCeremony).where(
        SigningCeremony.provider == provider, SigningCeremony.provider_ref == provider_ref)
        .with_for_update().execution_options(populate_existing=True))


def by_token(token: str) -> SigningCeremony | None:
    if not token or len(token) > 43:
        return None
    return db.session.scalar(select(SigningCeremony).where(SigningCeremony.token == token))


def latest_for(notice: Notice) -> SigningCeremony | None:
    return db.session.scalar(select(SigningCeremony).where(SigningCeremony.notice_id == notice.id)
                             .order_by(SigningCeremony.id.desc()).limit(1))


def abandon_pending(notice: Notice, reason: str) -> None:
    """A new attempt (or a DSC signature) replaces any unfinished one; its late callback changes nothing."""
    for ceremony in db.session.scalars(select(SigningCeremony).where(
            SigningCeremony.notice_id == notice.id, SigningCeremony.status == CeremonyStatus.PENDING)
            .with_for_update().execution_options(populate_existing=True)):
        # lock=False: the query above locked and re-read the row.
        lifecycle.fire(CEREMONY, ceremony, "signing_abandoned", None, lock=False,
                       payload={"notice_id": notice.id, "reason": reason},
                       changes={"detail": reason, "finished_at": utcnow()})


def latest_for_settlement(agreement, side: str) -> SigningCeremony | None:
    return db.session.scalar(select(SigningCeremony).where(
        SigningCeremony.settlement_id == agreement.id, SigningCeremony.signer_side == side)
        .order_by(SigningCeremony.id.desc()).limit(1))


def abandon_pending_for_settlement(agreement, side: str, reason: str) -> None:
    """As abandon_pending, for one side's attempts at a settlement agreement."""
    for ceremony in db.session.scalars(select(SigningCeremony).where(
            SigningCeremony.settlement_id == agreement.id, SigningCeremony.signer_side == side,
            SigningCeremony.status == CeremonyStatus.PENDING)
            .with_for_update().execution_options(populate_existing=True)):
        # lock=False: the query above locked and re-read the row.
        lifecycle.fire(SETTLEMENT_CEREMONY, ceremony, "signing_abandoned", None, lock=False,
                       payload={"agreement_id": agreement.id, "side": side, "reason": reason},
                       changes={"detail": reason, "finished_at": utcnow()})
