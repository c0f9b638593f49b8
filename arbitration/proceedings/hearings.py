"""Hearings of the arbitral proceedings: the arbitrator schedules them (a date, a time, an https video
link), records who attended for each participant and the minutes, and finalises the minutes, after
which they cannot change. None on the fast track, which decides on documents only (s.29B(3))."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from arbitration.proceedings import mail as proceedings_mail
from arbitration.proceedings.conduct import proceedings_for
from arbitration.proceedings.models import Attendance, Hearing
from portal import audit
from portal.cases import Case, CaseStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import N_
from portal.types import utcnow

PARTICIPANTS = ("claimant", "respondent", "arbitrator")
PARTICIPANT_LABELS = {"claimant": N_("Claimant"), "respondent": N_("Respondent"),  # said with gettext
                      "arbitrator": N_("Arbitrator")}
MAX_MINUTES_CHARS = 50_000


def check_video_link(link: str) -> str:
    """An https URL with a host and no credentials in it; returned stripped."""
    link = (link or "").strip()
    parts = urlsplit(link)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password or len(link) > 500:
        raise DomainError("The video link must be an https:// address (at most 500 characters).")
    return link


def hearings_for(case: Case) -> list[Hearing]:
    return list(db.session.scalars(select(Hearing).where(Hearing.case_id == case.id)
                                   .order_by(Hearing.starts_at, Hearing.id)))


def schedule(actor, case: Case, *, starts_at: datetime, duration_minutes: int, video_link: str,
             agenda: str, now: datetime | None = None) -> Hearing:
    now = now or utcnow()
    if case.status != CaseStatus.IN_ARBITRATION:
        raise DomainError("The arbitration is not running.")
    proceedings = proceedings_for(case)
    if proceedings is not None and proceedings.fast_track:
        raise DomainError("The case is on the fast track (s.29B): it is decided on documents, "
                          "without hearings.")
    if starts_at <= now:
        raise DomainError("A hearing is scheduled for a time in the future.")
    if starts_at > now + timedelta(days=2 * 365):  # the mandate runs 12 months (+6): s.29A
        raise DomainError("A hearing cannot be set more than two years ahead; check the year.")
    if not 15 <= duration_minutes <= 8 * 60:
        raise DomainError("A hearing lasts between 15 minutes and 8 hours.")
    hearing = Hearing(case_id=case.id, starts_at=starts_at, duration_minutes=duration_minutes,
                      video_link=check_video_link(video_link), agenda=(agenda or "").strip()[:5000])
    db.session.add(hearing)
    db.session.flush()
    audit.record("arbitration.hearing_scheduled", actor=actor, case=case, payload={
        "hearing_id": hearing.id, "starts_at": starts_at.isoformat(), "duration_minutes": duration_minutes,
        "video_link": hearing.video_link})
    proceedings_mail.hearing_scheduled(case, hearing)
    return hearing


def record_minutes(actor, hearing: Hearing, *, attendance: dict[str, tuple[bool, str]], minutes: str,
                   finalise: bool, now: datetime | None = None) -> None:
    """Attendance per participant (present?, who attended) and the minutes; `finalise` freezes them."""
    now = now or utcnow()
    case = db.session.get(Case, hearing.case_id)
    if hearing.minutes_finalised_at is not None:
        raise DomainError("The minutes of this hearing are final and cannot change.")
    if hearing.starts_at > now:
        raise DomainError("Attendance and minutes are recorded once the hearing has started.")
    if set(attendance) - set(PARTICIPANTS):
        raise DomainError("Unknown participant in the attendance.")
    minutes = (minutes or "").strip()
    if len(minutes) > MAX_MINUTES_CHARS:
        raise DomainError(f"The minutes are limited to {MAX_MINUTES_CHARS:,} characters.")
    if finalise and not minutes:
        raise DomainError("Write the minutes before finalising them.")
    rows = {a.participant: a for a in hearing.attendance}
    for participant, (present, names) in attendance.items():
        row = rows.get(participant) or Attendance(participant=participant)
        row.present, row.attended_by = present, (names or "").strip()[:200]
        if participant not in rows:
            hearing.attendance.append(row)
    hearing.minutes = minutes
    if finalise:
        hearing.minutes_finalised_at = now
    db.session.flush()
    audit.record("arbitration.hearing_minutes_finalised" if finalise else "arbitration.hearing_minutes",
                 actor=actor, case=case, payload={
                     "hearing_id": hearing.id, "attendance": {p: {"present": v[0], "by": v[1].strip()[:200]}
                                                              for p, v in sorted(attendance.items())},
                     "minutes_chars": len(minutes)})


def ends_at(hearing: Hearing) -> datetime:
    return hearing.starts_at + timedelta(minutes=hearing.duration_minutes)
