"""A local SMTP server (aiosmtpd) that accepts every message into the outbox folder.

Run: python -m portal.dev.smtp_sink [--port 8025]. It answers 250 with a queue id, like a real MTA.
"""
from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from aiosmtpd.controller import Controller

from portal.dev import outbox


class OutboxHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        path = outbox.store(self.folder, envelope.original_content or envelope.content)
        return f"250 2.0.0 Ok: queued as {path.stem}"


def start(folder: Path, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    controller = Controller(OutboxHandler(folder), hostname=host, port=port)
    controller.start()
    return controller


def main() -> None:
    from portal.config import Config

    parser = argparse.ArgumentParser(description=__doc__)
    cfg = Config()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=cfg.MAIL_PORT)
    args = parser.parse_args()
    controller = start(cfg.OUTBOX_PATH, args.host, args.port)
    print(f"SMTP sink on {args.host}:{args.port}, writing to {cfg.OUTBOX_PATH}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
