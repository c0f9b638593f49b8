"""The local outbox: one .eml file per mail (written by the SMTP sink) and one .json file per SMS or
WhatsApp message under sms/ and whatsapp/ (written by the outbox gateways), read by the page."""
from __future__ import annotations

import email
import email.policy
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from markupsafe import Markup, escape

# Names the sink itself writes: nanosecond timestamp, random suffix. Nothing else is ever served.
_NAME = re.compile(r"^[0-9]{10,20}-[0-9a-f]{8}\.eml$")
_URL = re.compile(r"https?://[^\s<>\"']+")
# The outbox gateways' message ids (portal/adapters/outbox_gateways.py), in the same shape.
_TEXT_ID = re.compile(r"^[0-9]{10,20}-[0-9a-f]{8}$")
TEXT_CHANNELS = ("sms", "whatsapp")


@dataclass
class OutboxItem:
    name: str
    received: datetime
    sender: str
    to: str
    subject: str


@dataclass
class TextMessage:
    channel: str
    id: str
    sent: datetime
    to: str
    template: str
    text: str
    document_name: str | None


@dataclass
class Attachment:
    index: int
    filename: str
    content_type: str
    size: int


def store(folder: Path, raw: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{os.urandom(4).hex()}.eml"
    tmp = folder / (name + ".part")
    tmp.write_bytes(raw)
    tmp.rename(folder / name)  # atomic: the page never sees half a message
    return folder / name


def parse(path: Path) -> EmailMessage:
    with path.open("rb") as fh:
        return email.message_from_binary_file(fh, policy=email.policy.default)


def received_at(name: str) -> datetime:
    return datetime.fromtimestamp(int(name.split("-")[0]) / 1e9, tz=UTC)


def list_items(folder: Path, limit: int = 200) -> list[OutboxItem]:
    """Newest first."""
    if not folder.exists():
        return []
    files = sorted((p for p in folder.iterdir() if _NAME.match(p.name)), reverse=True)[:limit]
    items = []
    for p in files:
        msg = parse(p)
        items.append(OutboxItem(p.name, received_at(p.name), str(msg["From"] or ""),
                                str(msg["To"] or ""), str(msg["Subject"] or "")))
    return items


def find(folder: Path, name: str) -> Path | None:
    if not _NAME.match(name):
        return None
    path = folder / name
    return path if path.is_file() else None


def body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def linkify(text: str) -> Markup:
    """Escape the text and make its http(s) links clickable (invitations, reset links)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;:)")
        out.append(escape(text[last:m.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = m.start() + len(url)
    out.append(escape(text[last:]))
    return Markup("").join(out)


def attachments(msg: EmailMessage) -> list[tuple[Attachment, EmailMessage]]:
    found = []
    for index, part in enumerate(msg.iter_attachments()):
        payload = part.get_payload(decode=True) or b""
        found.append((Attachment(index, part.get_filename() or f"attachment-{index}",
                                 part.get_content_type(), len(payload)), part))
    return found


def list_texts(folder: Path, channel: str, limit: int = 200) -> list[TextMessage]:
    """The SMS or WhatsApp messages the outbox gateway wrote, newest first; unreadable files skipped."""
    box = folder / channel
    if channel not in TEXT_CHANNELS or not box.is_dir():
        return []
    files = [p for p in box.iterdir() if p.suffix == ".json" and _TEXT_ID.match(p.stem)]
    files.sort(key=lambda p: (int(p.stem.split("-")[0]), p.stem), reverse=True)
    found = []
    for p in files[:limit]:
        try:
            record = json.loads(p.read_text(encoding="utf-8"))
            document = record.get("document") or {}
            found.append(TextMessage(channel, p.stem, received_at(p.stem), str(record.get("to", "")),
                                     str(record.get("template", "")), str(record.get("text", "")),
                                     (document.get("name") or "document.pdf") if document else None))
        except (OSError, ValueError, AttributeError):
            continue  # a file someone edited by hand; the page still lists the rest
    return found


def find_document(folder: Path, channel: str, message_id: str) -> Path | None:
    """The PDF stored next to an outbox WhatsApp message, if the id is one the gateway writes."""
    if channel != "whatsapp" or not _TEXT_ID.match(message_id):
        return None
    path = folder / channel / f"{message_id}.pdf"
    return path if path.is_file() else None
