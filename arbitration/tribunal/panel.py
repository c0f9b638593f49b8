"""The panel of neutrals: each neutral keeps its own listing (expertise, languages, fee schedule,
availability) and declares its relationships for the conflict check; the institution and the
parties browse the panel, filtered by expertise and language."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from arbitration.tribunal import disclosure
from arbitration.tribunal.models import (
    Appointment,
    AppointmentStatus,
    DeclaredRelationship,
    Ground,
    PanelListing,
)
from portal import audit
from portal.accounts import NeutralProfile, Role, User
from portal.errors import DomainError
from portal.extensions import db
from portal.types import utcnow

MAX_FEE = Decimal("10000000.00")


@dataclass(frozen=True)
class PanelEntry:
    user: User
    profile: NeutralProfile
    listing: PanelListing


def profile_of(neutral: User) -> NeutralProfile:
    if neutral.neutral_profile is None:
        neutral.neutral_profile = NeutralProfile(expertise="", languages="English")
    return neutral.neutral_profile


def listing_of(neutral: User) -> PanelListing:
    listing = db.session.get(PanelListing, neutral.id)
    if listing is None:
        listing = PanelListing(user_id=neutral.id, fee_schedule="", available=True, availability_note="")
        db.session.add(listing)
    return listing


def update_profile(actor: User, *, expertise: str, languages: str, fee_schedule: str,
                   base_fee: Decimal | None, available: bool, availability_note: str) -> PanelListing:
    """The neutral edits its own listing; the fee is whole paise, never negative."""
    if actor.role != Role.NEUTRAL:
        raise DomainError("Only a neutral keeps a panel listing.")
    if base_fee is not None:
        if base_fee < 0 or base_fee > MAX_FEE:
            raise DomainError("The fee must be between ₹0 and ₹1,00,00,000.")
        base_fee = base_fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    profile, listing = profile_of(actor), listing_of(actor)
    profile.expertise, profile.languages = expertise.strip(), languages.strip() or "English"
    listing.fee_schedule, listing.base_fee = fee_schedule.strip(), base_fee
    listing.available, listing.availability_note = available, availability_note.strip()
    listing.updated_at = utcnow()
    db.session.flush()
    fee = str(base_fee) if base_fee is not None else None
    audit.record("arbitration.panel_profile_updated", actor=actor,
                 payload={"available": available, "base_fee": fee})
    return listing


def declare(actor: User, *, ground: Ground, counterpart_name: str, gstin: str = "", pan: str = "",
            email: str = "") -> DeclaredRelationship:
    name = counterpart_name.strip()
    if not name:
        raise DomainError("Name the person or business the relationship is with.")
    rel = DeclaredRelationship(neutral_id=actor.id, ground=ground, counterpart_name=name,
                               gstin=gstin.strip().upper() or None, pan=pan.strip().upper() or None,
                               email=email.strip().lower() or None)
    db.session.add(rel)
    db.session.flush()
    audit.record("arbitration.relationship_declared", actor=actor,
                 payload={"relationship_id": rel.id, "ground": ground.value, "name": name})
    # A declaration is a disclosure too (s.12(2)): the Seventh Schedule check runs again on every case
    # the neutral sits in, and a match ends that mandate.
    for appointment in db.session.scalars(select(Appointment).where(
            Appointment.neutral_id == actor.id,
            Appointment.status.in_((AppointmentStatus.ACCEPTED, AppointmentStatus.CHALLENGED)))):
        disclosure.end_if_ineligible(actor, appointment)
    return rel


def withdraw_declaration(actor: User, relationship_id: int) -> None:
    rel = db.session.get(DeclaredRelationship, relationship_id)
    if rel is None or rel.neutral_id != actor.id:
        raise DomainError("There is no such declaration of yours.")
    db.session.delete(rel)
    db.session.flush()
    audit.record("arbitration.relationship_withdrawn", actor=actor,
                 payload={"relationship_id": relationship_id, "ground": rel.ground.value})


def browse(expertise: str = "", language: str = "", only_available: bool = False) -> list[PanelEntry]:
    """Active neutrals, filtered by words in their expertise and by a language they work in."""
    users = db.session.scalars(select(User).where(User.role == Role.NEUTRAL, User.active.is_(True))
                               .options(selectinload(User.neutral_profile)).order_by(User.name)).all()
    listings = {row.user_id: row for row in db.session.scalars(
        select(PanelListing).where(PanelListing.user_id.in_([u.id for u in users])))} if users else {}
    want_exp, want_lang = expertise.strip().casefold(), language.strip().casefold()
    found = []
    for user in users:
        profile = user.neutral_profile or NeutralProfile(expertise="", languages="English")
        listing = listings.get(user.id) or PanelListing(
            user_id=user.id, fee_schedule="", available=True, availability_note="")
        if want_exp and want_exp not in (profile.expertise or "").casefold():
            continue
        languages = [part.strip().casefold() for part in (profile.languages or "").split(",")]
        if want_lang and want_lang not in languages:
            continue
        if only_available and not listing.available:
            continue
        found.append(PanelEntry(user, profile, listing))
    return found
