"""The embedded default for SMS and WhatsApp: each message is written as a JSON file (and, for
WhatsApp, the attached PDF next to it) under instance/outbox/<channel>/, where /dev/outbox
shows it. Nothing leaves the machine; no provider ever calls back."""
from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path

from portal.adapters.messaging import (
    OutgoingMessage,
    PermanentFailure,
    ProviderReceipt,
    StatusUpdate,
    WebhookRejected,
)


class OutboxGateway:
    def __init__(self, folder: Path, channel: str) -> None:
        self.folder = Path(folder) / channel
        self.channel = channel
        self.name = "outbox"

    def send(self, message: OutgoingMessage) -> ProviderReceipt:
        if not message.to.startswith("+") or not message.to[1:].isdigit():
            raise PermanentFailure(f"{message.to} is not an E.164 mobile number.")
        self.folder.mkdir(parents=True, exist_ok=True)
        message_id = f"{time.time_ns()}-{secrets.token_hex(4)}"
        record = {"id": message_id, "channel": self.channel, "to": message.to, "template": message.template,
                  "variables": list(message.variables), "text": message.text,
                  "idempotency_key": message.idempotency_key, "document": None}
        if message.document is not None:
            name = f"{message_id}.pdf"
            (self.folder / name).write_bytes(message.document)
            record["document"] = {"file": name, "name": message.document_name}
        body = json.dumps(record, indent=1).encode()
        tmp = self.folder / f".{message_id}.tmp"
        tmp.write_bytes(body)
        os.replace(tmp, self.folder / f"{message_id}.json")  # readers never see half a file
        return ProviderReceipt(message_id=message_id, raw=body)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes, url: str) -> list[StatusUpdate]:
        raise WebhookRejected("The local outbox sends no status webhooks.")

