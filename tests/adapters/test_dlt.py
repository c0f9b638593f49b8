"""The DLT registry (TRAI rules, DOMAIN 26): unregistered templates, text that strays from the
registered template, and links outside the whitelist never reach a provider."""
from __future__ import annotations

import pytest

from portal.adapters.dlt import DltRegistry
from portal.adapters.messaging import PermanentFailure
from tests.adapters.outgoing import NOTICE_DLT_ID, NOTICE_DLT_TEXT, message

REGISTERED = {"notice_served": {"id": NOTICE_DLT_ID, "text": NOTICE_DLT_TEXT}}


def test_registered_message_passes_with_its_template_id():
    template = DltRegistry(REGISTERED, ["sulah.in"]).check(message())
    assert template.template_id == NOTICE_DLT_ID and template.name == "notice_served"
    # Line breaks and double spaces in the rendered text are not a different template.
    spaced = message().text.replace(" has been", "\n has  been")
    assert DltRegistry(REGISTERED, ["sulah.in"]).check(message(text=spaced)).template_id == NOTICE_DLT_ID
    # The id alone (no registered text) is accepted as configuration, without the text check.
    assert DltRegistry({"notice_served": NOTICE_DLT_ID}, ["sulah.in"]).check(message(text="Any text")).text is None


@pytest.mark.parametrize("kw, reason", [
    ({"template": "reminder_served"}, "'reminder_served' is not registered on DLT"),
    ({"text": "Legal notice from Kaveri Textiles: pay now or else. https://sulah.in/n/x - Sulah"},
     "does not match DLT template 1107000000000001"),
    ({"variables": ("Kaveri Textiles", "SUL-2026-000001")}, "has 4 variables; the message gave 2"),
])
def test_template_refusals(kw, reason):
    with pytest.raises(PermanentFailure, match=reason):
        DltRegistry(REGISTERED, ["sulah.in"]).check(message(**kw))


@pytest.mark.parametrize("link, allowed", [
    ("https://sulah.in/n/x", True),
    ("https://app.sulah.in/n/x", True),
    ("HTTPS://SULAH.IN/n/x", True),
    ("http://sulah.in.evil.example/n/x", False),
    ("https://evilsulah.in/n/x", False),
    ("https://bit.ly/abc", False),
    ("www.evil.example/pay", False),
    ("https://sulah.in@evil.example/", False),
    ("http://[::1/", False),
])
def test_links_only_on_whitelisted_domains(link, allowed):
    registry = DltRegistry({"notice_served": NOTICE_DLT_ID}, ["sulah.in"])
    msg = message(text=f"Pay or respond: {link} - Sulah")
    if allowed:
        assert registry.check(msg).template_id == NOTICE_DLT_ID
    else:
        with pytest.raises(PermanentFailure, match="not whitelisted for SMS"):
            registry.check(msg)


def test_an_empty_whitelist_refuses_every_link():
    with pytest.raises(PermanentFailure, match="sulah.in"):
        DltRegistry({"notice_served": NOTICE_DLT_ID}, []).check(message())


@pytest.mark.parametrize("templates", [{"notice_served": ""}, {"notice_served": {"text": NOTICE_DLT_TEXT}},
                                       {"notice_served": 1107}])
def test_malformed_registry_is_a_configuration_error(templates):
    with pytest.raises(ValueError, match="needs a DLT template id"):
        DltRegistry(templates, ["sulah.in"])
