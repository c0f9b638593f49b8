"""A worker keeps one SMTP connection open and sends every message over it (portal/adapters/mail.py),
against a real SMTP server: counted by the server (the client's address per message received), and
dropped after an error, a server restart, too long idle or too many messages."""
from __future__ import annotations

import threading
from email.message import EmailMessage

import pytest
from flask import Flask

from portal.adapters import SmtpTransient, mail
from tests.fakes.smtp_servers import MisbehavingSmtp


@pytest.fixture
def server():
    smtp = MisbehavingSmtp().start()
    yield smtp
    smtp.stop()


@pytest.fixture
def mail_app(server):
    app = Flask(__name__)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_STARTTLS=False,
                      MAIL_TIMEOUT=5, MAIL_CONNECTION_IDLE_SECONDS=30, MAIL_CONNECTION_MAX_MESSAGES=100,
                      MAIL_DEFAULT_SENDER="Sulah <no-reply@sulah.localhost>")
    with app.app_context():
        yield app
        mail.close_connection()


def message(n: int) -> EmailMessage:
    em = EmailMessage()
    em["From"], em["To"], em["Subject"] = "no-reply@sulah.localhost", f"debtor{n}@example.in", f"Notice {n}"
    em["Message-ID"] = f"<n{n}@sulah.localhost>"
    em.set_content("Legal notice attached.")
    em.add_attachment(b"%PDF-1.7\n" + b"x" * 50_000, maintype="application", subtype="pdf", filename="n.pdf")
    return em


def send(n: int) -> mail.SmtpReceipt:
    return mail.deliver(message(n), envelope_from="bounces@sulah.localhost", recipient=f"debtor{n}@example.in")


def test_one_connection_carries_every_message(mail_app, server):
    opened = mail.opened
    receipts = [send(n) for n in range(5)]
    assert [r.code for r in receipts] == [250] * 5
    assert len(server.behaviour.received) == 5
    assert len(set(server.behaviour.peers)) == 1  # the server saw one client connection
    assert mail.opened - opened == 1


def test_an_error_drops_the_connection_and_the_next_send_opens_a_new_one(mail_app, server):
    send(0)
    server.behaviour.temp_fail_next = 1
    with pytest.raises(SmtpTransient, match="451"):
        send(1)
    send(2)
    assert [rcpts for _, rcpts, _ in server.behaviour.received] == [["debtor0@example.in"], ["debtor2@example.in"]]
    first, second = server.behaviour.peers
    assert first != second  # not the connection whose transaction failed


def test_a_connection_the_server_closed_is_replaced_before_any_of_the_message_goes(mail_app, server):
    send(0)
    server.stop()  # drops every client connection
    server.start()  # same port, the kept connection is dead
    send(1)  # no error: MAIL FROM failed on the dead connection, then went over a new one
    assert [rcpts for _, rcpts, _ in server.behaviour.received] == [["debtor0@example.in"], ["debtor1@example.in"]]


def test_a_server_that_refuses_connections_is_a_transient_failure(mail_app, server):
    send(0)
    server.stop()
    with pytest.raises(SmtpTransient):
        send(1)
    server.start()
    send(2)
    assert len(server.behaviour.received) == 2


def test_limits_idle_time_and_messages_per_connection(mail_app, server):
    mail_app.config.update(MAIL_CONNECTION_MAX_MESSAGES=2)
    for n in range(5):
        send(n)
    assert len(set(server.behaviour.peers)) == 3  # 2 + 2 + 1
    mail.close_connection()
    mail_app.config.update(MAIL_CONNECTION_IDLE_SECONDS=0)  # reuse off: one connection per message
    before = len(set(server.behaviour.peers))
    for n in range(3):
        send(n)
    assert len(set(server.behaviour.peers)) == before + 3


def test_each_thread_has_its_own_connection(mail_app, server):
    """Under the threads pool (make run's worker) two sends at once never share one session."""
    errors: list[BaseException] = []

    def sender(base: int):
        with mail_app.app_context():
            try:
                for n in range(base, base + 3):
                    send(n)
            except BaseException as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)
            finally:
                mail.close_connection()

    threads = [threading.Thread(target=sender, args=(b,)) for b in (0, 10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(server.behaviour.received) == 6
    assert len(set(server.behaviour.peers)) == 2
