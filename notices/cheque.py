"""The cheque-dishonour clocks (Negotiable Instruments Act 1881, s.138 and s.142), pure dates: no
Flask, no database. Drafting checks the notice's recitals against them, serving enforces the 30 days,
the receipt module starts the drawer's 15 days and the complaint window from receipt of the notice.

- s.138 proviso (a): the cheque is presented within its validity, three months from its date (RBI
  circular DBOD.AML.BC.No.47/14.01.001/2011-12, from 1 April 2012).
- s.138 proviso (b): the payee makes a demand by notice in writing "within thirty days of the receipt
  of information by him from the bank" (the return memo); the notice must be *sent* in that period.
- s.138 proviso (c): the drawer fails to pay within fifteen days of the receipt of the notice.
- s.142(1)(b): the complaint within one month of the date on which the cause of action arises under
  proviso (c), i.e. the day after the fifteen days end. Counting excludes the first day (General
  Clauses Act s.9); a month is a calendar month (s.3(35)), so it ends on the same date of the next
  month (Saketh India Ltd v. India Securities Ltd, (1999) 3 SCC 1).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

VALIDITY_MONTHS = 3
NOTICE_DAYS = 30
DAYS_TO_PAY = 15


def add_months(day: date, months: int) -> date:
    """The same date `months` later; the month's last day when it has no such date."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_valid_day(cheque_date: date) -> date:
    """The last day the cheque may be presented: three months from its date, that date excluded."""
    return add_months(cheque_date, VALIDITY_MONTHS) - timedelta(days=1)


def notice_last_day(memo_received_on: date) -> date:
    """s.138 proviso (b): the last day to send the notice."""
    return memo_received_on + timedelta(days=NOTICE_DAYS)


@dataclass(frozen=True)
class ComplaintWindow:
    pay_by: date      # the fifteenth day after receipt of the notice
    opens_on: date    # the cause of action arises (s.138(c)): the day after
    closes_on: date   # s.142(1)(b): one month from that day

    def state(self, today: date) -> str:
        if today < self.opens_on:
            return "not_yet"
        return "open" if today <= self.closes_on else "closed"


def complaint_window(notice_received_on: date) -> ComplaintWindow:
    pay_by = notice_received_on + timedelta(days=DAYS_TO_PAY)
    opens = pay_by + timedelta(days=1)
    return ComplaintWindow(pay_by, opens, add_months(opens, 1))


def recital_problems(cheque_date: date, presented_on: date | None, memo_date: date,
                     memo_received_on: date | None, today: date) -> list[str]:
    """What the notice would recite that the dates do not support, in words; empty when all hold."""
    problems = []
    if presented_on is None:
        problems.append("Give the date the cheque was presented to the bank.")
    elif presented_on < cheque_date:
        problems.append(f"The cheque cannot have been presented ({presented_on:%d %b %Y}) before its "
                        f"date ({cheque_date:%d %b %Y}).")
    elif presented_on > last_valid_day(cheque_date):
        problems.append(f"The cheque was presented on {presented_on:%d %b %Y}, after its validity ended on "
                        f"{last_valid_day(cheque_date):%d %b %Y} (three months from its date): section 138 "
                        "does not apply.")
    if presented_on is not None and memo_date < presented_on:
        problems.append("The bank's return memo cannot be dated before the cheque was presented.")
    if memo_received_on is None:
        problems.append("Give the date your client received the bank's return memo.")
    elif memo_received_on < memo_date:
        problems.append("The return memo cannot have been received before its date.")
    elif memo_received_on > today:
        problems.append("The date the return memo was received is in the future.")
    elif today > notice_last_day(memo_received_on):
        problems.append(f"The NI Act s.138 notice had to be sent within {NOTICE_DAYS} days of receiving the "
                        f"return memo, by {notice_last_day(memo_received_on):%d %b %Y}; it can no longer go.")
    return problems
