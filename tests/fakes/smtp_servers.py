"""SMTP servers that misbehave on purpose (aiosmtpd): refuse a recipient, fail temporarily, or
stall before answering DATA. Like a real MTA, a message whose client vanished before the final
reply is not kept."""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Behaviour:
    def __init__(self) -> None:
        self.refuse: dict[str, str] = {}       # recipient -> "550 5.1.1 ..." reply
        self.temp_fail_next = 0                 # answer DATA with 451 this many times
        self.busy: dict[str, int] = {}          # recipient -> answer RCPT with 451 this many times
        self.stall_seconds = 0.0                # sleep before answering DATA
        self.received: list[tuple[str, list[str], bytes]] = []  # (mail from, rcpts, data)
        self.peers: list[tuple[str, int]] = []  # the client's address for each message received
        self.times: list[float] = []  # time.monotonic() at each message received
        self.lock = threading.Lock()
        self.data_started = threading.Event()

    def messages_to(self, address: str):
        return [message_from_bytes(d, policy=policy.default) for _, rcpts, d in self.received
                if address in rcpts]


class _Handler:
    def __init__(self, behaviour: Behaviour) -> None:
        self.b = behaviour

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.b.refuse:
            return self.b.refuse[address]
        if self.b.busy.get(address):
            self.b.busy[address] -= 1
            return "451 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.b.data_started.set()
        if self.b.stall_seconds:
            await asyncio.sleep(self.b.stall_seconds)  # cancelled if the client goes away
        with self.b.lock:
            if self.b.temp_fail_next:
                self.b.temp_fail_next -= 1
                return "451 4.3.0 Try again later"
            self.b.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            self.b.peers.append(tuple(session.peer[:2]))
            self.b.times.append(time.monotonic())
            n = len(self.b.received)
        return f"250 2.0.0 Ok: queued as TEST{n:04d}"


class MisbehavingSmtp:
    def __init__(self, port: int | None = None) -> None:
        self.behaviour = Behaviour()
        self.port = port or free_port()
        self.controller: Controller | None = None

    def start(self) -> MisbehavingSmtp:
        self.controller = Controller(_Handler(self.behaviour), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
