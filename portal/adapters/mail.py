"""Outgoing e-mail over real SMTP (the local sink by default; STARTTLS and auth when configured),
optionally DKIM-signed, with the receiving server's reply kept as proof of dispatch."""
from __future__ import annotations

import os
import re
import smtplib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.header import Header
from email.headerregistry import HeaderRegistry, UniqueUnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import default as DEFAULT_POLICY
from email.utils import make_msgid
from io import BytesIO
from pathlib import Path

from flask import current_app


@dataclass
class Message:
    to: list[str]
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def one_line(value: str) -> str:
    """A header value on one line. Subjects carry words people typed (a decline's reason, a
    debtor's name); a line break or a control character Python counts as one (\\x1c-\\x1e, \\x85,
    U+2028) would make the e-mail library refuse the whole message."""
    return " ".join(value.split())


class _Subject(UniqueUnstructuredHeader):
    """The Subject header, folded by the library's legacy encoder when it has non-ASCII text.

    Python 3.11's folder (CPython gh-144156, fixed in later versions) can put the space between two
    words at the seam of two encoded words, where every reader drops it: about one Hindi subject in
    ten lost a space ("...प्रस्तावदिया है।"). `email.header.Header` encodes the whole value as
    encoded words with each space inside one, so it decodes to what was set. ASCII subjects, and
    SMTPUTF8 output (no encoded words), are the library's own."""

    def fold(self, *, policy) -> str:
        text = str(self)
        if text.isascii() or policy.utf8:
            return super().fold(policy=policy)
        value = Header(text, "utf-8", maxlinelen=policy.max_line_length or 78,
                       header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {value}{policy.linesep}"


class _HeaderClasses(HeaderRegistry):
    """The library's header registry (with `_Subject` for the Subject), making the class of each
    header name once. The library's own
    makes a new class (`type(...)`) every time a header is set or its count checked, some 40 times
    for a notice's e-mail: about 1.5 ms of the 3.5 its building took (issue 22). The classes made
    are the same; only their making is not repeated."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}
        self.map_to_type("subject", _Subject)

    def __getitem__(self, name: str) -> type:
        made = self._made.get(name.lower())
        if made is None:
            made = self._made[name.lower()] = super().__getitem__(name)
        return made

    def map_to_type(self, name: str, cls: type) -> None:
        super().map_to_type(name, cls)
        self._made.pop(name.lower(), None)


# The library's `email.policy.default` and `email.policy.SMTP`, with that registry.
MAIL_POLICY = DEFAULT_POLICY.clone(header_factory=_HeaderClasses())
WIRE_POLICY = SMTP_POLICY.clone(header_factory=MAIL_POLICY.header_factory)


def new_message() -> EmailMessage:
    """An empty message under MAIL_POLICY (`EmailMessage()` otherwise)."""
    return EmailMessage(policy=MAIL_POLICY)


def build(msg: Message) -> EmailMessage:
    em = new_message()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    em["From"] = sender
    em["To"] = ", ".join(msg.to)
    em["Subject"] = one_line(msg.subject)
    em["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">"))
    for k, v in msg.headers.items():
        em[k] = one_line(v)
    em.set_content(msg.text)
    if msg.html:
        em.add_alternative(msg.html, subtype="html")
    return em


def send(msg: Message) -> str:
    """Send and return the Message-ID. Raises OSError/SMTPException on failure (callers retry)."""
    em = build(msg)
    with connection() as smtp:
        smtp.send_message(em)
    return em["Message-ID"]


# --- one SMTP connection per worker process (per thread under the threads pool), kept open ------
# Opening a connection (TCP, EHLO, STARTTLS, AUTH) costs more than a small message; a worker that
# sends a batch of notices keeps one open and sends every message over it. It is dropped after any
# error (the next send opens a new one), after MAIL_CONNECTION_MAX_MESSAGES messages, and when it
# has been idle MAIL_CONNECTION_IDLE_SECONDS (servers close idle clients; 0 turns reuse off).

class _Held:
    """A thread's open connection. Closed when replaced, and when its thread ends (no socket is left
    for the garbage collector)."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None
        self.key: tuple = ()
        self.sent = 0
        self.last_used = 0.0
        self.fresh = True

    def drop(self) -> None:
        smtp, self.smtp, self.sent = self.smtp, None, 0
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def __del__(self) -> None:
        if self.smtp is not None:
            self.smtp.close()


_local = threading.local()
opened = 0  # connections opened by this process (read by the tests)


def _held() -> _Held:
    held = getattr(_local, "held", None)
    if held is None:
        held = _local.held = _Held()
    return held


def _open(cfg) -> smtplib.SMTP:
    global opened
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg.get("MAIL_TIMEOUT", 30))
    try:
        smtp.ehlo()
        if cfg["MAIL_USE_STARTTLS"]:
            smtp.starttls()
            smtp.ehlo()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    opened += 1
    return smtp


@contextmanager
def connection() -> Iterator[smtplib.SMTP]:
    """An open, logged-in connection to the configured server: this thread's kept one when it is
    fresh, otherwise a new one. Any exception inside drops it (a half-finished transaction must not
    carry over to the next message)."""
    cfg = current_app.config
    idle = cfg.get("MAIL_CONNECTION_IDLE_SECONDS", 0)
    if not idle:
        smtp = _open(cfg)
        _held().fresh = True
        try:
            yield smtp
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        return
    held = _held()
    key = (os.getpid(), cfg["MAIL_SERVER"], cfg["MAIL_PORT"], cfg["MAIL_USE_STARTTLS"],
           cfg.get("MAIL_USERNAME"))
    now = time.monotonic()
    if held.smtp is not None and (held.key != key or now - held.last_used > idle
                                  or held.sent >= cfg.get("MAIL_CONNECTION_MAX_MESSAGES", 100)):
        if held.key[:1] != (os.getpid(),):  # inherited over a fork: the parent's session, not ours
            held.smtp.close()  # our copy of the descriptor only; no QUIT on the parent's session
            held.smtp = None
        held.drop()
    held.fresh = held.smtp is None
    if held.smtp is None:
        held.smtp, held.key = _open(cfg), key
    try:
        yield held.smtp
    except BaseException:
        held.drop()
        raise
    held.sent += 1
    held.last_used = time.monotonic()


def close_connection() -> None:
    """Close this thread's kept connection, if any (worker shutdown, tests)."""
    _held().drop()


def _held_fresh() -> bool:
    """Whether the connection just handed out was opened for this send (not kept from an earlier)."""
    held = getattr(_local, "held", None)
    return held is None or held.fresh


def queue(msg: Message) -> None:
    """Send through the worker once the current transaction commits (written to the outbox in it)."""
    from portal import outbox

    payload = {"to": msg.to, "subject": msg.subject, "text": msg.text, "html": msg.html,
               "headers": msg.headers}
    outbox.enqueue("portal.tasks.send_mail", payload)


@dataclass(frozen=True)
class SmtpReceipt:
    """The receiving server's final reply to DATA: under IT Act s.13(1) the record left our control."""

    message_id: str
    code: int
    reply: str       # e.g. "2.0.0 Ok: queued as 4Xb1"
    server: str      # host:port that answered


class SmtpTransient(Exception):
    """Try again later: connection refused or dropped, timeout, a 4xx reply."""


class SmtpPermanent(Exception):
    """Never retry this message to this address: a 5xx reply (unknown user, refused)."""


_LINE_END = re.compile(r"\r\n|\r|\n")  # what the generator splits a body's lines on


class _WireGenerator(BytesGenerator):
    """The standard generator, writing each body in one piece instead of two writes a line (a
    notice's PDF is some 700 lines of base64, and the writes were most of the serialising), and
    checking a new multipart boundary with a substring search rather than a regular expression."""

    def _write_lines(self, lines: str) -> None:
        # The base class writes each line, then the line end: the same bytes as this one write.
        if not lines:
            return
        # Only LF line ends (base64, the templates' text): one replace, not a regex over ~50 KB.
        self.write(lines.replace("\n", self._NL) if "\r" not in lines else _LINE_END.sub(self._NL, lines))

    @classmethod
    def _make_boundary(cls, text: bytes | str | None = None) -> str:
        # The library's random boundary, checked against the parts' text by searching it with a
        # multi-line regular expression for "--boundary" at a line's start (~0.7 ms a part over a
        # notice's PDF). A boundary that appears nowhere in the text cannot appear there either;
        # in the (unlikely) other case the library's own check picks one.
        boundary = super()._make_boundary()
        if text is None:
            return boundary
        needle = boundary.encode("ascii") if isinstance(text, bytes) else boundary
        return boundary if needle not in text else super()._make_boundary(text)


def wire_bytes(em: EmailMessage) -> bytes:
    """The message as sent: the bytes `em.as_bytes(policy=email.policy.SMTP)` gives (CRLF line
    ends), written faster."""
    out = BytesIO()
    _WireGenerator(out, mangle_from_=False, policy=WIRE_POLICY).flatten(em)
    return out.getvalue()


def dkim_sign(data: bytes) -> bytes:
    """Prepend a DKIM-Signature when a selector, domain and key are configured (dkimpy)."""
    cfg = current_app.config
    key_file = cfg.get("MAIL_DKIM_KEY_FILE")
    if not (key_file and cfg.get("MAIL_DKIM_SELECTOR") and cfg.get("MAIL_DKIM_DOMAIN")):
        return data
    import dkim

    signature = dkim.sign(data, cfg["MAIL_DKIM_SELECTOR"].encode(), cfg["MAIL_DKIM_DOMAIN"].encode(),
                          Path(key_file).read_bytes(),
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    return signature + data


def _classify(exc: smtplib.SMTPResponseException) -> Exception:
    error = exc.smtp_error
    text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
    cls = SmtpPermanent if 500 <= exc.smtp_code < 600 else SmtpTransient
    return cls(f"{exc.smtp_code} {text}")


def deliver(em: EmailMessage, *, envelope_from: str, recipient: str) -> SmtpReceipt:
    """Hand one message for one recipient to the configured server and return its 250 reply."""
    cfg = current_app.config
    data = dkim_sign(wire_bytes(em))
    server = f"{cfg['MAIL_SERVER']}:{cfg['MAIL_PORT']}"
    for last_try in (False, True):
        reused, at_data = False, False
        try:
            with connection() as smtp:
                reused = not _held_fresh()
                for step in (lambda: smtp.mail(envelope_from), lambda: smtp.rcpt(recipient)):
                    code, reply = step()
                    if code >= 400:
                        raise smtplib.SMTPResponseException(code, reply)
                at_data = True
                code, reply = smtp.data(data)
                if code != 250:
                    raise smtplib.SMTPResponseException(code, reply)
            return SmtpReceipt(em["Message-ID"], code, reply.decode(errors="replace"), server)
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as exc:
            # A kept connection the server had closed meanwhile (idle timeout, restart) fails before
            # DATA, with none of the message sent: once more, on a new connection. A failure during
            # DATA is not retried here: the server may have the message (the dispatch's retry decides).
            closed = isinstance(exc, smtplib.SMTPServerDisconnected) or exc.smtp_code == 421
            if reused and closed and not at_data and not last_try:
                continue
            if isinstance(exc, smtplib.SMTPResponseException):
                raise _classify(exc) from exc
            raise SmtpTransient(f"{server}: {exc}") from exc
        except (OSError, smtplib.SMTPException) as exc:  # refused, reset, timeout
            raise SmtpTransient(f"{server}: {exc}") from exc
    raise AssertionError("unreachable")  # the loop returns or raises
