"""Jinja filters: times shown in IST, money in Indian digit grouping, stored values in plain words."""
from __future__ import annotations

import re
from decimal import Decimal

from flask import Flask

from portal.formatting import amount, day, ist, rupees
from portal.i18n import gettext, language
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
    """An audit action as words in the page's language: 'case.sign_notice' → 'Case: Approve and sign'
    (the machine's noun and the transition's label, catalogue messages from its table),
    'delivery.proof_issued' → 'Delivery: proof issued'."""
    def capital(words: str) -> str:
        words = words.removeprefix("the ")
        return words[:1].upper() + words[1:]

    lang = language()
    subject, _, verb = (action or "").rpartition(".")
    found = transition_of_event(subject, verb)
    if found is not None:
        machine, transition = found
        noun = gettext(machine.noun) if machine.noun else label(subject, lang)
        return f"{capital(noun)}: {gettext(transition.label)}"
    if not subject:
        return capital(label(verb, lang))
    return f"{capital(label(subject.replace('.', '_'), lang))}: {label(verb, lang)}"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(ist=ist, inr=inr, amount=amount, day=day, humanize=label, label=label,
                               unnumbered=unnumbered, audit_words=audit_words)
    app.jinja_env.globals.update(event_sentence=event_sentence)

