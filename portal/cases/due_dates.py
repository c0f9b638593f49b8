"""When an invoice falls due: MSMED Act s.15 with s.2(b) acceptance, or as the invoice states.

Pure Python (no Flask, no database). Days are counted as the General Clauses Act s.9 counts
"from": the starting day is excluded, so "15 days from 1 March" ends on 16 March.

MSMED Act, as encoded here:
- Acceptance (s.2(b)): the day of actual delivery of the goods or rendering of the services.
  If the buyer objected in writing within 15 days of delivery (on or before delivery + 15 days),
  acceptance is the day the supplier removed the objection; until then nothing is due. An
  objection raised later than that does not move acceptance (deemed acceptance = delivery).
- Due date (s.15): with a written agreement, the agreed date (acceptance + agreed credit days),
  but never later than acceptance + 45 days; with no agreement, acceptance + 15 days (payment is
  due "before the appointed day", the day after the 15 days expire).
- Interest (s.16) runs from the day after the due date (the appointed day, or the day after the
  agreed date).

Other claims: the due date stated on the invoice; failing that, the invoice date plus the credit
period; failing both, the invoice date itself (payable on delivery).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal.errors import DomainError

OBJECTION_WINDOW_DAYS = 15
STATUTORY_CREDIT_DAYS = 15
MAX_AGREED_CREDIT_DAYS = 45


class DueDateError(DomainError):
    """The facts do not give a due date (e.g. a written objection not yet removed)."""


@dataclass(frozen=True)
class DueDate:
    """A due date with the steps that produced it, for the case page and the notice."""

    acceptance: date
    due: date
    reasons: tuple[str, ...]

    @property
    def interest_from(self) -> date:
        return self.due + timedelta(days=1)


def _d(day: date) -> str:
    return day.strftime("%d %b %Y")


def msmed_acceptance(delivery: date, objection_raised_on: date | None = None,
                     objection_removed_on: date | None = None) -> tuple[date, str]:
    """The day of acceptance or deemed acceptance under s.2(b), with the reason."""
    if objection_raised_on is None:
        return delivery, (f"No written objection within {OBJECTION_WINDOW_DAYS} days of delivery "
                          f"on {_d(delivery)}: deemed accepted on delivery (s.2(b)).")
    window_ends = delivery + timedelta(days=OBJECTION_WINDOW_DAYS)
    if objection_raised_on > window_ends:
        return delivery, (f"The written objection of {_d(objection_raised_on)} came after the "
                          f"{OBJECTION_WINDOW_DAYS} days that ended {_d(window_ends)}, so it does "
                          f"not move acceptance: deemed accepted on delivery, {_d(delivery)} "
                          "(s.2(b)).")
    if objection_removed_on is None:
        raise DueDateError(
            f"The buyer objected in writing on {_d(objection_raised_on)}, within "
            f"{OBJECTION_WINDOW_DAYS} days of delivery, and the objection is not recorded as "
            "removed: under MSMED s.2(b) acceptance (and so the due date) waits for its removal. "
            "Record the date it was removed.")
    if objection_removed_on < objection_raised_on:
        raise DueDateError("An objection cannot be removed before it was raised.")
    return objection_removed_on, (
        f"The buyer objected in writing on {_d(objection_raised_on)}, within "
        f"{OBJECTION_WINDOW_DAYS} days of delivery on {_d(delivery)}; the objection was removed on "
        f"{_d(objection_removed_on)}, which is the day of acceptance (s.2(b)).")


def msmed_due(delivery: date, *, agreed_credit_days: int | None = None,
              objection_raised_on: date | None = None,
              objection_removed_on: date | None = None) -> DueDate:
    """MSMED s.15 due date. `agreed_credit_days` must come from a written agreement, else None."""
    acceptance, why_accepted = msmed_acceptance(delivery, objection_raised_on, objection_removed_on)
    if agreed_credit_days is None:
        due = acceptance + timedelta(days=STATUTORY_CREDIT_DAYS)
        why_due = (f"No written agreement on the payment date: due {STATUTORY_CREDIT_DAYS} days "
                   f"from acceptance, on {_d(due)} (s.15 with s.2(b)).")
    elif agreed_credit_days < 0:
        raise DueDateError("The agreed credit period cannot be negative.")
    elif agreed_credit_days > MAX_AGREED_CREDIT_DAYS:
        due = acceptance + timedelta(days=MAX_AGREED_CREDIT_DAYS)
        why_due = (f"The agreed {agreed_credit_days} days exceed the {MAX_AGREED_CREDIT_DAYS} days "
                   f"s.15 allows: due {MAX_AGREED_CREDIT_DAYS} days from acceptance, on {_d(due)}.")
    else:
        due = acceptance + timedelta(days=agreed_credit_days)
        why_due = (f"Due on the agreed date, {agreed_credit_days} days from acceptance: {_d(due)} "
                   f"(within the {MAX_AGREED_CREDIT_DAYS} days s.15 allows).")
    interest = due + timedelta(days=1)
    return DueDate(acceptance=acceptance, due=due, reasons=(
        why_accepted, why_due, f"Interest under s.16 runs from {_d(interest)}."))


def msmed_due_date(*, delivery: date, agreed_credit_days: int | None = None,
                   objection_raised_on: date | None = None,
                   objection_removed_on: date | None = None) -> date:
    """Just the s.15 due date (see `msmed_due` for the reasons)."""
    return msmed_due(delivery, agreed_credit_days=agreed_credit_days,
                     objection_raised_on=objection_raised_on,
                     objection_removed_on=objection_removed_on).due


def invoice_due(invoice_date: date, *, stated_due_date: date | None = None,
                credit_days: int | None = None) -> DueDate:
    """A claim outside the MSMED Act: due as the invoice states."""
    if stated_due_date is not None:
        if stated_due_date < invoice_date:
            raise DueDateError("The due date cannot be before the invoice date.")
        due, why = stated_due_date, f"Due on {_d(stated_due_date)}, as the invoice states."
    elif credit_days is not None:
        if credit_days < 0:
            raise DueDateError("The credit period cannot be negative.")
        due = invoice_date + timedelta(days=credit_days)
        why = f"Due {credit_days} days from the invoice date of {_d(invoice_date)}: {_d(due)}."
    else:
        due, why = invoice_date, (f"No due date or credit period stated: payable on the invoice "
                                  f"date, {_d(invoice_date)}.")
    return DueDate(acceptance=invoice_date, due=due,
                   reasons=(why, f"Interest runs from {_d(due + timedelta(days=1))}."))
