"""A served e-mail is serialised faster than the e-mail library does it (the PDF's base64 in one call,
each body written in one piece), and its bytes are the library's own: the same message, byte for
byte, as `add_attachment` and `as_bytes(policy=SMTP)` make it."""
from __future__ import annotations

import dataclasses
import os
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notices.serving.channels import EmailChannel, attach_pdf, base64_lines
from portal.adapters.mail import wire_bytes
from tests.serving.test_served_mail_language import DUE, NOTICE

SIZES = (0, 1, 2, 3, 56, 57, 58, 114, 1000, 38_527)
NAMES = ("legal-notice-SUL-2026-000042.pdf", "क़ानूनी-नोटिस-SUL-2026-000042.pdf",
         "legal notice with spaces; and \"quotes\" " + "x" * 90 + ".pdf")


@pytest.mark.parametrize("size", SIZES)
def test_base64_lines_are_the_librarys(size):
    import base64

    data = os.urandom(size)
    assert base64_lines(data) == base64.encodebytes(data).decode("ascii")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("size", (0, 57, 38_527))
def test_the_pdf_part_is_the_one_add_attachment_makes(name, size):
    pdf = os.urandom(size)
    by_library, ours = EmailMessage(), EmailMessage()
    for message in (by_library, ours):
        message["Subject"] = "A notice"
        message.set_content("The notice is attached.\n")
    by_library.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
    attach_pdf(ours, pdf, name)
    for message in (by_library, ours):
        message.set_boundary("====boundary====")
    assert ours.as_bytes(policy=SMTP) == by_library.as_bytes(policy=SMTP)
    part = next(message_from_bytes(ours.as_bytes(), policy=policy.default).iter_attachments())
    assert part.get_content() == pdf and part.get_filename() == name


@pytest.mark.parametrize("purpose", ["notice", "reminder", "odr_invite"])
@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_wire_bytes_are_as_bytes(app, purpose, lang):
    pdf = os.urandom(38_527)
    d = dataclasses.replace(NOTICE, purpose=purpose, language=lang, respond_by=DUE[lang], pdf=pdf)
    with app.test_request_context():
        message = EmailChannel().build(d)
    fast = wire_bytes(message)  # chooses the boundaries; the library's run below keeps them
    assert fast == message.as_bytes(policy=SMTP)
    assert b"\r\n" in fast and b"\n" not in fast.replace(b"\r\n", b"")
    parsed = message_from_bytes(fast, policy=policy.default)
    assert parsed["Message-ID"] == message["Message-ID"] and parsed["Subject"] == message["Subject"]
    for kind in ("plain", "html"):  # read back from the wire, the text has its CRLF line ends
        text = parsed.get_body((kind,)).get_content().replace("\r\n", "\n")
        assert text == message.get_body((kind,)).get_content()
    attachments = list(parsed.iter_attachments())
    assert [a.get_content() for a in attachments] == ([pdf] if purpose == "notice" else [])


def test_lines_ending_in_cr_or_lf_alone_are_written_as_the_library_writes_them():
    message = EmailMessage()
    message.set_content("one\rtwo\nthree\r\nfour", cte="8bit")
    message.add_alternative("<p>a</p>\n\n<p>b</p>", subtype="html")
    assert wire_bytes(message) == message.as_bytes(policy=SMTP)


def test_the_header_classes_are_made_once_and_the_message_is_the_librarys(app, monkeypatch):
    """The mail policy's registry gives the library's header classes, made once per header name,
    and a notice's e-mail built under it is the one the library's own policy builds."""
    from email.headerregistry import HeaderRegistry

    from portal.adapters.mail import MAIL_POLICY, WIRE_POLICY

    registry, library = MAIL_POLICY.header_factory, HeaderRegistry()
    assert registry["Subject"] is registry["subject"] and WIRE_POLICY.header_factory is registry
    for name in ("To", "Date", "Message-ID", "Content-Type", "X-Sulah-Dispatch"):
        assert registry[name].__mro__[1:] == library[name].__mro__[1:]
    assert registry["Subject"].__mro__[2:] == library["Subject"].__mro__[1:]  # _Subject's fold
    d = dataclasses.replace(NOTICE, language="hi", respond_by=DUE["hi"], pdf=os.urandom(1000))
    with app.test_request_context():
        ours = EmailChannel().build(d)
        monkeypatch.setattr("notices.serving.channels.new_mail_message", EmailMessage)
        with_library = EmailChannel().build(d)
    assert ours.policy is MAIL_POLICY and with_library.policy is policy.default
    with_library.replace_header("Date", str(ours["Date"]))  # built a second apart, perhaps
    for message in (ours, with_library):
        message.set_boundary("====outer====")
        message.get_payload()[0].set_boundary("====inner====")
    # The same bytes but for the Hindi subject, which is folded so that it reads back as set.
    subject = str(ours["Subject"])
    assert not subject.isascii() and subject == str(with_library["Subject"])
    assert message_from_bytes(ours.as_bytes(policy=SMTP), policy=policy.default)["Subject"] == subject
    for message in (ours, with_library):
        message.replace_header("Subject", "the same ASCII subject")
    assert ours.as_bytes(policy=SMTP) == with_library.as_bytes(policy=SMTP)


WORDS = st.one_of(st.text(alphabet=st.characters(min_codepoint=0x0900, max_codepoint=0x097F), min_size=1,
                          max_size=8),
                  st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-/.,:()₹", min_size=1, max_size=14))


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=16).map(" ".join))
def test_a_hindi_subject_reads_back_with_every_space(subject):
    """Python 3.11's folder can put the space between two words at the seam of two encoded words,
    where a reader drops it (CPython gh-144156): 'प्रस्ताव दिया' arrived as 'प्रस्तावदिया'. The
    Subject reads back from the wire as it was set, in lines of at most 78 characters."""
    from portal.adapters.mail import new_message

    message = new_message()
    message["Subject"], message["To"] = subject, "debtor@example.com"
    message.set_content("x")
    raw = wire_bytes(message)
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n"))
    read = message_from_bytes(raw, policy=policy.default)["Subject"]
    assert read == subject if not subject.isascii() else read.strip() == subject


def test_the_subject_that_lost_its_space_keeps_it():
    from portal.adapters.mail import new_message

    subject = "SUL-2026-000003 में BGQmtsLFGz cEpVZzAQlxJ VxfCQGgXkHzx ने एक प्रस्ताव दिया है।"
    message = new_message()
    message["Subject"] = subject
    message.set_content("x")
    assert message_from_bytes(wire_bytes(message), policy=policy.default)["Subject"] == subject


def test_a_boundary_found_in_the_text_is_not_used(monkeypatch):
    """The wire generator's boundary check: a random boundary that appears in a part's text is
    replaced by the library's own choice (checked with its regular expression)."""
    import random

    from portal.adapters.mail import _WireGenerator

    random.seed(22)
    taken = _WireGenerator._make_boundary()
    text = b"line\r\n--" + taken.encode() + b"\r\nmore"
    random.seed(22)
    chosen = _WireGenerator._make_boundary(text)
    assert chosen != taken and ("--" + chosen).encode() + b"\r\n" not in text
    random.seed(22)
    assert _WireGenerator._make_boundary(b"nothing like it") == taken
