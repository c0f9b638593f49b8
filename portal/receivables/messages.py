"""The words of a reminder: a level's text in the debtor's language with the facts filled in.

Placeholders are filled by name from a fixed set (defaults.PLACEHOLDERS); a level's text can
reach nothing else. Money in Indian grouping."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.formatting import rupees
from portal.receivables.defaults import INTEREST_LINE, MSEFC_LINE, SMS_TEXT
from portal.receivables.models import Language, ReminderLevel

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Item:
    number: str
    invoice_date: date
    due_date: date
    outstanding: Decimal


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    sms: str
    sms_variables: tuple[str, ...]


def fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def invoice_lines(items: list[Item], language: Language) -> str:
    if language == Language.HINDI:
        return "\n".join(f"- बिल {i.number}, दिनांक {i.invoice_date:%d.%m.%Y}, देय {i.due_date:%d.%m.%Y}: "
                         f"{rupees(i.outstanding)} बकाया" for i in items)
    return "\n".join(f"- Invoice {i.number} of {i.invoice_date:%d %b %Y}, due {i.due_date:%d %b %Y}: "
                     f"{rupees(i.outstanding)} outstanding" for i in items)


def compose(level: ReminderLevel, language: Language, *, debtor: str, creditor: str,
            items: list[Item], interest: Decimal | None, msefc: bool, link: str) -> Composed:
    lang = language.value
    total = sum((i.outstanding for i in items), Decimal("0.00"))
    values = {
        "debtor": debtor, "creditor": creditor, "amount": rupees(total),
        "invoices": invoice_lines(items, language), "link": link,
        "interest_line": (INTEREST_LINE[lang].format(interest=rupees(interest))
                          if level.include_interest and interest is not None and interest > 0 else ""),
        "msefc_line": MSEFC_LINE[lang] if msefc and level.last_before_notice else "",
    }
    subject = level.subject_hi if language == Language.HINDI else level.subject_en
    body = level.body_hi if language == Language.HINDI else level.body_en
    sms_vars = (creditor, rupees(total), link)
    sms = SMS_TEXT[lang].format(creditor=sms_vars[0], amount=sms_vars[1], link=sms_vars[2])
    return Composed(fill(subject, values), fill(body, values), sms, sms_vars)
