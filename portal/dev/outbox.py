"""The local mail outbox: one .eml file per message, written by the SMTP sink, read by the page."""
from __future__ import annotations

import email
import email.policy
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"^[0-9]{10,20}-[0-9a-f]{8}\.eml$")


@dataclass
class OutboxItem:
    name: str
    received: float
    sender: str
    to: str
    subject: str


def store(folder: Path, raw: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{os.urandom(4).hex()}.eml"
    tmp = folder / (name + ".part")
    tmp.write_bytes(raw)
    tmp.rename(folder / name)  # atomic: the page never sees half a message
    return folder / name


def parse(path: Path) -> email.message.EmailMessage:
    with path.open("rb") as fh:
        return email.message_from_binary_file(fh, policy=email.policy.default)


def list_items(folder: Path, limit: int = 200) -> list[OutboxItem]:
    if not folder.exists():
        return []
    files = sorted((p for p in folder.iterdir() if _NAME.match(p.name)), reverse=True)[:limit]
    items = []
    for p in files:
        msg = parse(p)
        items.append(OutboxItem(p.name, int(p.name.split("-")[0]) / 1e9, str(msg["From"] or ""),
                                str(msg["To"] or ""), str(msg["Subject"] or "")))
    return items


def find(folder: Path, name: str) -> Path | None:
    if not _NAME.match(name):
        return None
    path = folder / name
    return path if path.exists() else None


def body_text(msg: email.message.EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""
