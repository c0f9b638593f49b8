"""The generic refusal of a move a machine's table does not allow (portal.lifecycle): in English
outside a request (workers, the CLI) and on an English page, in Hindi on a Hindi one with the
transition's label, the machine's noun and the status in Hindi; a machine whose label has no Hindi
(staff-only) gives a Hindi sentence naming only the status, never English words inside Hindi."""
from __future__ import annotations

import re

import pytest

from arbitration.odr.states import OFFER, OfferStatus
from arbitration.settlement.states import AGREEMENT, AgreementStatus
from notices.states import NOTICE, NoticeStatus
from portal.i18n import force_locale
from portal.lifecycle import IllegalTransition
from portal.receivables.states import PROMISE, PromiseStatus


class Row:
    def __init__(self, status) -> None:
        self.status = status
        self._status = status


def refused(machine, status, action: str) -> str:
    with pytest.raises(IllegalTransition) as exc:
        machine.check(Row(status), action, "debtor")
    return str(exc.value)


def test_outside_a_request_the_refusal_is_english():
    assert refused(AGREEMENT, AgreementStatus.SIGNED, "cancelled") == (
        "“Cancel” is not possible while the agreement is signed.")


@pytest.mark.parametrize(("machine", "status", "action", "en", "hi"), [
    (AGREEMENT, AgreementStatus.SIGNED, "cancelled", "“Cancel” is not possible while the agreement is signed.",
     "“रद्द करें” संभव नहीं है, क्योंकि समझौता अभी “हस्ताक्षरित” स्थिति में है।"),
    (OFFER, OfferStatus.WITHDRAWN, "accepted", "“Accept” is not possible while the offer is withdrawn.",
     "“स्वीकार करें” संभव नहीं है, क्योंकि प्रस्ताव अभी “वापस लिया गया” स्थिति में है।"),
    (PROMISE, PromiseStatus.KEPT, "cancel", "“Cancel the promise” is not possible while the promise is kept.",
     "“वादा रद्द करें” संभव नहीं है, क्योंकि वादा अभी “निभाया गया” स्थिति में है।"),
])
def test_the_refusal_in_the_page_language(app, machine, status, action, en, hi):
    with app.test_request_context(), force_locale("en"):
        assert refused(machine, status, action) == en
    with app.test_request_context(), force_locale("hi"):
        assert refused(machine, status, action) == hi


def test_a_staff_machines_refusal_reads_wholly_in_hindi(app):
    """Staff pages speak Hindi too: the notice's machine's labels and noun are catalogue messages, so
    a Hindi reader is told the move, the thing and its status in Hindi, with no English inside."""
    t = next(t for t in NOTICE.transitions if len(t.sources) < len(NOTICE.statuses))
    status = next(s for s in NOTICE.statuses if s not in t.sources)
    with app.test_request_context(), force_locale("hi"):
        sentence = NOTICE.refusal(t, status)
    assert sentence.startswith("“") and "नोटिस" in sentence and not re.search(r"[A-Za-z]", sentence)


def test_a_label_without_hindi_gives_a_hindi_sentence_without_it(app, monkeypatch):
    """A machine whose label has no Hindi yet (one added without its translation) does not put
    English words inside a Hindi sentence: the reader is told only the status, in Hindi."""
    from portal import lifecycle
    from portal.lifecycle import Machine, transition
    monkeypatch.setattr(lifecycle, "MACHINES", dict(lifecycle.MACHINES))   # the table registers itself
    machine = Machine("untranslated", NoticeStatus, initial=frozenset({NoticeStatus.DRAFTING}),
                      transitions=(transition("zap", NoticeStatus.DRAFTING, NoticeStatus.IN_REVIEW, {"creditor"},
                                              label="Zap the draft"),), noun="the gizmo")
    t = machine.transition_for("zap")
    with app.test_request_context(), force_locale("hi"):
        sentence = machine.refusal(t, NoticeStatus.SIGNED)
    assert sentence.startswith("यह अभी संभव नहीं है, क्योंकि यह “") and not re.search(r"[A-Za-z]", sentence)
