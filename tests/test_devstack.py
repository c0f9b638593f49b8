"""The development stack: `flask demo seed` as `make run` calls it; the SMTP sink takes real SMTP,
/dev/outbox shows what it caught, the sink command stops on Ctrl-C; production has no outbox."""
from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.adapters import mail
from portal.cases.models import Case
from portal.cases.states import CaseStatus
from portal.config import PROJECT_ROOT

_SERVICE_VARS = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "MAIL_SERVER",
                 "MAIL_PORT", "SECRET_KEY", "SULAH_DATA_KEY", "DEV_OUTBOX")


def _env(instance, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SERVICE_VARS}
    env.update(SULAH_INSTANCE=str(instance), PYTHONUNBUFFERED="1", **extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _new_files(folder, before: set) -> list:
    return sorted(p for p in folder.iterdir() if p not in before and p.suffix == ".eml")


def test_sink_takes_smtp_mail_and_the_outbox_page_lists_and_shows_it(client, smtp_sink, outbox):
    before = set(smtp_sink.folder.iterdir())
    message_id = mail.send(mail.Message(
        to=["accounts@shree-garments.example"], subject="Invoice KT/25-26/0101 is overdue",
        text="Pay ₹1,18,000 at https://sulah.example/pay/abc123.\nRegards, Kaveri Textiles",
        html="<p>Pay ₹1,18,000</p>"))
    [path] = _new_files(smtp_sink.folder, before)
    [caught] = outbox()
    assert caught["Message-ID"] == message_id

    listing = client.get("/dev/outbox")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert "Invoice KT/25-26/0101 is overdue" in html
    assert "accounts@shree-garments.example" in html
    assert f"/dev/outbox/{path.name}" in html
    assert "IST" in html

    page = client.get(f"/dev/outbox/{path.name}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Pay ₹1,18,000 at" in body
    # Links in the mail are clickable, so a developer can follow an invitation or reset link.
    url = "https://sulah.example/pay/abc123"
    assert f'<a href="{url}">{url}</a>.' in body


def test_outbox_escapes_message_content_and_serves_attachments_as_downloads(client, smtp_sink):
    before = set(smtp_sink.folder.iterdir())
    msg = EmailMessage()
    msg["From"] = "Sulah <no-reply@sulah.localhost>"
    msg["To"] = "advocate@sulah.example"
    msg["Subject"] = "<script>alert(1)</script> notice"
    msg.set_content('Body with <b>markup</b> and "javascript:alert(1)"')
    pdf = b"%PDF-1.7\n% demand notice\n"
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="demand-notice.pdf")
    with smtplib.SMTP("127.0.0.1", smtp_sink.port, timeout=10) as smtp:
        refused = smtp.send_message(msg)
    assert refused == {}
    [path] = _new_files(smtp_sink.folder, before)

    page = client.get(f"/dev/outbox/{path.name}")
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; notice" in html
    assert "&lt;b&gt;markup&lt;/b&gt;" in html
    assert "demand-notice.pdf" in html and "application/pdf" in html

    download = client.get(f"/dev/outbox/{path.name}/attachments/0")
    assert download.status_code == 200
    assert download.data == pdf
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.mimetype == "application/pdf"
    assert client.get(f"/dev/outbox/{path.name}/attachments/1").status_code == 404


@pytest.mark.parametrize("name", [
    "nope",
    "secret_key",
    "..%2Fsecret_key",                      # an encoded slash never reaches the view
    "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "1234567890123-deadbeef.eml",           # well-formed, but no such message
    "1234567890123-deadbeef.eml.part",      # a message still being written
    "1234567890123-DEADBEEF.eml",
])
def test_bad_outbox_names_are_404(client, name):
    response = client.get(f"/dev/outbox/{name}")
    assert response.status_code == 404
    if "%2F" not in name:
        assert "No such message in the outbox." in response.get_data(as_text=True)
    assert client.get(f"/dev/outbox/{name}/attachments/0").status_code == 404


def test_production_has_no_outbox_page(tmp_path):
    """Checked in a separate interpreter: Talisman and the limiter keep per-app settings on their
    module-level instances, so a production app in this process would change the test app's."""
    script = (
        "from portal import create_app\n"
        "app = create_app()\n"
        "c = app.test_client()\n"
        "outbox = c.get('/dev/outbox', base_url='https://127.0.0.1')\n"
        "login = c.get('/login', base_url='https://127.0.0.1')\n"
        "print(outbox.status_code, login.status_code, 'Dev outbox' in login.get_data(as_text=True),"
        " app.config['DEV_OUTBOX_ENABLED'])\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True,
                         text=True, timeout=60, env=_env(tmp_path, SULAH_ENV="production"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["404", "200", "False", "False"]


def test_sink_command_catches_mail_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = _free_port()
    folder = tmp_path / "outbox"
    cmd = [sys.executable, "-m", "portal.dev.smtp_sink",
           "--port", str(port), "--folder", str(folder)]
    sink = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert sink.stdout.readline().startswith(f"SMTP sink on 127.0.0.1:{port}")
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "a@sulah.localhost", "b@example.in", "Hello"
        msg.set_content("Test")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            code, reply = smtp.noop()
            assert code == 250
            smtp.send_message(msg)
        assert [p.suffix for p in folder.iterdir()] == [".eml"]
        assert "mail to b@example.in: Hello -> /dev/outbox/" in sink.stdout.readline()

        # A second sink on the same port says why it cannot start instead of a traceback.
        clash = subprocess.run(cmd, cwd=PROJECT_ROOT, env=_env(tmp_path), capture_output=True,
                               text=True, timeout=60)
        assert clash.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}" in clash.stderr
        assert "Traceback" not in clash.stderr
    finally:
        started = time.monotonic()
        sink.send_signal(signal.SIGINT)
        out, err = sink.communicate(timeout=15)
    assert sink.returncode == 0, err
    assert "SMTP sink stopped" in out
    assert time.monotonic() - started < 10


def test_demo_seed_prints_the_logins_and_can_run_again(app, db_session):
    """`make run` seeds on every start, so a second run must add nothing and fail on nothing."""
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output + repr(first.exception)
    for role, email in [("creditor", "owner@kaveri-textiles.example"),
                        ("advocate", "advocate@sulah.example"),
                        ("neutral", "neutral@sulah.example"),
                        ("debtor", "accounts@shree-garments.example")]:
        assert any(line.split() == [role, email] for line in first.output.splitlines()), role
    assert "Demo logins (password for all: " in first.output

    def counts():
        return (db_session.scalar(select(func.count()).select_from(User)),
                db_session.scalar(select(func.count()).select_from(Case)))

    seeded = counts()
    assert seeded[0] >= 5 and seeded[1] >= 1
    # Each stage the README walks through has a case waiting in it, arbitration included.
    statuses = set(db_session.scalars(select(Case._status)))
    assert {CaseStatus.IN_NEGOTIATION, CaseStatus.IN_ARBITRATION} <= statuses, statuses
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0, again.output + repr(again.exception)
    assert counts() == seeded


def test_demo_codes_prints_each_two_factor_users_current_code(app, monkeypatch):
    """`flask demo codes` gives the code an authenticator would show now, and the next one."""
    import pyotp

    from portal.accounts.roles import Role
    from portal.demo import DEMO_TOTP

    now = 1_800_000_010.0  # 10 s into a 30 s step
    monkeypatch.setattr("time.time", lambda: now)
    result = app.test_cli_runner().invoke(args=["demo", "codes"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    lines = {line.split()[0]: line.split() for line in result.output.splitlines()}
    assert set(lines) == {"advocate", "neutral", "admin"}
    for role, email in [(Role.ADVOCATE, "advocate@sulah.example"), (Role.NEUTRAL, "neutral@sulah.example"),
                        (Role.ADMIN, "admin@sulah.example")]:
        totp = pyotp.TOTP(DEMO_TOTP[role])
        words = lines[role.value]
        assert words[1] == email
        assert words[2] == totp.at(now) and totp.verify(words[2], for_time=now)
        assert "(20 s left; next" in " ".join(words)
        assert words[-1] == totp.at(now + 30) + ")"
