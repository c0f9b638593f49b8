"""Jinja filters: times shown in IST, money in Indian digit grouping, stored values in plain words."""
from __future__ import annotations

import re
from decimal import Decimal

from flask import Flask

from portal.formatting import amount, day, ist, rupees
from portal.lifecycle import transition_of_event
from portal.web.labels import event_sentence, label


def inr(value: Decimal | None, language: str | None = "en") -> str:
    """₹1,23,456.78 (see portal.formatting)."""
    return rupees(value, language)


_TYPED_NUMBER = re.compile(r"^\s*\(?\d{1,3}[.)]\s+")


def unnumbered(text: str) -> str:
    """A paragraph without the number its writer typed: the document numbers its paragraphs itself,
    so "1. The claimant..." is not printed as "1. 1. The claimant..."."""
    return _TYPED_NUMBER.sub("", text or "", count=1)


def audit_words(action: str) -> str:
    """An audit action as words: 'case.sign_notice' → 'The case: Approve and sign' (the transition's
    own label, from its machine's table), 'delivery.proof_issued' → 'Delivery: proof issued'."""
    def capital(words: str) -> str:
        words = words.removeprefix("the ")
        return words[:1].upper() + words[1:]

    subject, _, verb = (action or "").rpartition(".")
    found = transition_of_event(subject, verb)
    if found is not None:
        machine, transition = found
        return f"{capital(machine.noun or label(subject))}: {transition.label}"
    if not subject:
        return capital(label(verb))
    return f"{capital(label(subject.replace('.', '_')))}: {label(verb)}"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(ist=ist, inr=inr, amount=amount, day=day, humanize=label, label=label,
                               unnumbered=unnumbered, audit_words=audit_words)
    app.jinja_env.globals.update(event_sentence=event_sentence)

