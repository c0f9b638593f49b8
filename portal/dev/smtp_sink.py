"""A local SMTP server (aiosmtpd) that accepts every message into the outbox folder.

Run: python -m portal.dev.smtp_sink [--port 8025]. It answers 250 with a queue id, like a real MTA,
and `make run` starts it next to the web server; read the messages at /dev/outbox.
"""
from __future__ import annotations

import argparse
import email
import email.policy
import signal
import socket
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller

from portal.dev import outbox


class OutboxHandler:
    def __init__(self, folder: Path, announce: bool = False) -> None:
        self.folder = folder
        self.announce = announce

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        raw = envelope.original_content or envelope.content
        path = outbox.store(self.folder, raw)
        if self.announce:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            print(f"mail to {', '.join(envelope.rcpt_tos)}: {msg['Subject'] or '(no subject)'} "
                  f"-> /dev/outbox/{path.name}", flush=True)
        return f"250 2.0.0 Ok: queued as {path.stem}"


def start(folder: Path, host: str = "127.0.0.1", port: int = 8025,
          announce: bool = False) -> Controller:
    """Start the sink in a background thread; raises OSError when the port is taken."""
    controller = Controller(OutboxHandler(folder, announce), hostname=host, port=port)
    controller.start()
    return controller


def _check_port(host: str, port: int) -> None:
    """Fail at once on a taken port (aiosmtpd would only report it after its 5 s ready timeout)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio's server does
        probe.bind((host, port))


def main() -> None:
    from portal.config import Config

    cfg = Config()
    parser = argparse.ArgumentParser(description="Local SMTP sink for Sulah's development stack.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=cfg.MAIL_PORT)
    parser.add_argument("--folder", type=Path, default=cfg.OUTBOX_PATH)
    args = parser.parse_args()
    try:
        _check_port(args.host, args.port)
        controller = start(args.folder, args.host, args.port, announce=True)
    except OSError as exc:  # aiosmtpd re-raises the bind error from its thread
        sys.exit(f"SMTP sink cannot listen on {args.host}:{args.port}: {exc}. "
                 "Is another `make run` up? Set MAIL_PORT to use another port.")
    print(f"SMTP sink on {args.host}:{args.port}, writing to {args.folder}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    print("SMTP sink stopped", flush=True)


if __name__ == "__main__":
    main()
