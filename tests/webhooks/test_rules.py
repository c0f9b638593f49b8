"""The pure parts of the webhooks: signing and checking (Standard Webhooks), which audit events raise
which event types and what they carry, the retry schedule, and which addresses may be called."""
from __future__ import annotations

import base64
import hashlib
import hmac
import socket
import threading
import time

import pytest

from portal.adapters.webhook_http import UnsafeAddress, resolve_public
from portal.cases.states import CASE
from portal.errors import DomainError
from portal.webhooks import events, signing
from portal.webhooks.addresses import check_url

BODY = b'{"id":"evt_1","type":"notice.served"}'


def test_a_signature_is_hmac_sha256_over_id_timestamp_and_body_in_base64():
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    expected = base64.b64encode(hmac.new(b"k" * 24, b"evt_1.1700000000." + BODY, hashlib.sha256).digest())
    assert signing.signature(secret, "evt_1", 1700000000, BODY) == "v1," + expected.decode()


def test_verify_accepts_either_live_secret_and_refuses_tampering_and_old_timestamps():
    old, new = signing.new_secret(), signing.new_secret()
    headers = signing.headers([new, old], "evt_1", 1700000000, BODY)
    assert len(headers["webhook-signature"].split()) == 2
    signing.verify(old, headers, BODY, now=1700000000)
    signing.verify(new, headers, BODY, now=1700000000 + 299)
    with pytest.raises(signing.InvalidSignature):
        signing.verify(new, headers, BODY + b" ", now=1700000000)
    with pytest.raises(signing.InvalidSignature):
        signing.verify(signing.new_secret(), headers, BODY, now=1700000000)
    with pytest.raises(signing.InvalidSignature, match="tolerance"):
        signing.verify(new, headers, BODY, now=1700000000 + 301)
    with pytest.raises(signing.InvalidSignature):
        signing.verify(new, {**headers, "webhook-id": "evt_2"}, BODY, now=1700000000)


def test_audit_actions_raise_the_event_types():
    case_actions = CASE.actions
    assert events.types_for("case.serve_notice", case_actions) == ("case.status_changed", "notice.served")
    assert events.types_for("case.withdraw", case_actions) == ("case.status_changed",)
    assert events.types_for("notice.signed", case_actions) == ("notice.signed",)
    assert events.types_for("debtor.dispute", case_actions) == ("debtor.responded",)
    assert events.types_for("promise.break", case_actions) == ("promise.broken",)
    assert events.types_for("reminder.mark_sent", case_actions) == ("reminder.sent",)
    assert events.types_for("settlement.signed", case_actions) == ("settlement.completed",)
    assert events.types_for("case.payment_recorded", case_actions) == ()  # not a status change
    assert events.types_for("evidence.downloaded", case_actions) == ()
    raised = {t for a in ["case.file", "notice.signed", "case.serve_notice", "notice.received",
                          "debtor.acknowledge", "payment.reported", "payment.confirmed", "offer.made",
                          "settlement.signed", "award.served", "reminder.mark_sent", "promise.break"]
              for t in events.types_for(a, case_actions)}
    assert raised == set(events.EVENT_TYPES)


def test_an_event_carries_identifiers_and_amounts_but_no_free_text():
    data = events.data("payment.reported", {"amount": "5000.00", "utr": "123456789012", "report_id": 7,
                                            "note": "call me", "paid_on": "2026-12-01"},
                       "SUL-2026-000001", "notice_served")
    assert data == {"case": {"reference": "SUL-2026-000001", "status": "notice_served"},
                    "action": "payment.reported", "amount": "5000.00", "paid_on": "2026-12-01",
                    "report_id": 7}


def test_retries_double_up_to_the_cap_and_stop_within_a_day():
    delays = [events.retry_delay(n, 30, 4 * 3600) for n in range(1, 16)]
    assert delays[:4] == [30, 60, 120, 240] and max(delays) == 4 * 3600
    elapsed, attempts = 0.0, 1
    while elapsed + events.retry_delay(attempts, 30, 4 * 3600) <= 24 * 3600:
        elapsed += events.retry_delay(attempts, 30, 4 * 3600)
        attempts += 1
    assert attempts == 14 and 20 * 3600 < elapsed <= 24 * 3600


@pytest.mark.parametrize("url, message", [
    ("http://example.com/hook", "https"),
    ("ftp://example.com/hook", "https://"),
    ("https://user:pw@example.com/hook", "user name"),
    ("https://127.0.0.1/hook", "private"),
    ("https://10.1.2.3/hook", "private"),
    ("https://169.254.169.254/latest/meta-data", "private"),
    ("https://[::1]/hook", "private"),
    ("https://localhost/hook", "private"),
    ("https://example.com:99999/hook", "web address"),
    ("https://exa mple.com/", "spaces"),
    ("", "full address"),
    ("https://" + "a" * 600 + ".com/", "500"),
    ("https://no-such-host.invalid/hook", "could not be found"),
])
def test_production_refuses_plain_http_private_addresses_and_junk(url, message):
    with pytest.raises(DomainError, match=message):
        check_url(url, allow_http=False, allow_private=False)


def test_development_allows_a_local_http_receiver():
    assert check_url(" http://127.0.0.1:8099/h ", allow_http=True, allow_private=True) == "http://127.0.0.1:8099/h"
    assert resolve_public("93.184.215.14", 443, allow_private=False) == "93.184.215.14"
    with pytest.raises(UnsafeAddress):
        resolve_public("192.168.1.10", 443, allow_private=False)


def test_a_name_server_that_does_not_answer_is_refused_in_bounded_time(monkeypatch):
    """getaddrinfo has no timeout of its own: a hanging lookup must not hold the request or the
    worker for the resolver's whole retry cycle."""
    release = threading.Event()

    def hanging(*_args, **_kwargs):
        release.wait(5)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    started = time.monotonic()
    try:
        with pytest.raises(UnsafeAddress, match="did not answer in time"):
            resolve_public("slow.example", 443, allow_private=False, timeout=0.2)
    finally:
        release.set()
    assert time.monotonic() - started < 2



def test_the_readme_verification_example_accepts_our_signature_and_refuses_a_forgery():
    import time
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme[readme.index("## Webhooks"):]
    code = section[section.index("```python") + len("```python"):]
    code = code[:code.index("```")]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102  (the README's own example, run as a reader would)
    secret = signing.new_secret()
    headers = signing.headers([signing.new_secret(), secret], "evt_1", int(time.time()), BODY)
    namespace["verify"](secret, headers, BODY)
    with pytest.raises(ValueError, match="bad signature"):
        namespace["verify"](secret, headers, BODY.replace(b"served", b"signed"))
