"""Types judged from content: Office files by their package parts, text by sniffing, programs refused
whatever their name, and a wrong extension replaced by the right one."""
import io
from pathlib import Path

import pytest

from evidence.storage import FilesystemStorage
from evidence.uploads import UploadRefused, ingest
from tests.evidence.builders import PDF, docx_bytes, zip_bytes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CONTENT_TYPES = b'<?xml version="1.0"?><Types/>'


def take(tmp_path: Path, data: bytes, name: str):
    store = FilesystemStorage(tmp_path / "store")
    return ingest(io.BytesIO(data), name, store, 25 * 1024 * 1024)


def store_files(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "store").rglob("*") if p.is_file()]


@pytest.mark.parametrize("data,name,stored_as,mime", [
    (PNG, "invoice.pdf", "invoice.png", "image/png"),
    (docx_bytes(), "contract.pdf", "contract.docx", "wordprocessingml"),
    (docx_bytes(), "contract", "contract.docx", "wordprocessingml"),
    (PDF, "scan.PDF.exe", "scan.PDF.pdf", "application/pdf"),
    (b"From: a@b.example\nSubject: dues\nDate: Mon, 1 Dec 2025 10:00:00 +0530\n\nplease pay\n",
     "mail.txt", "mail.eml", "message/rfc822"),
    (b"Payment reminder sent by phone on 3 March.\n", "note.pdf", "note.txt", "text/plain"),
])
def test_the_extension_follows_the_content(tmp_path, data, name, stored_as, mime):
    got = take(tmp_path, data, name)
    assert got.filename == stored_as and mime in got.kind.mime


@pytest.mark.parametrize("data,name,message", [
    (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "invoice.pdf", "Programs cannot be uploaded"),
    (b"MZ\x90\x00" + b"\x00" * 200, "invoice.pdf", "Programs cannot be uploaded"),
    (b"\xcf\xfa\xed\xfe" + b"\x00" * 200, "invoice.pdf", "Programs cannot be uploaded"),
    (zip_bytes({"notes.txt": b"hi"}), "ledger.xlsx", "ZIP archive"),
    (zip_bytes({"META-INF/MANIFEST.MF": b"Main-Class: X"}), "tool.docx", "ZIP archive"),
    (zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p/>"}), "deck.docx",
     "Only PDF, PNG, JPEG, XLSX, DOCX"),
    (b"PK\x03\x04" + b"\x00" * 100, "broken.xlsx", "ZIP archive"),
    (b"GIF89a" + b"\x00" * 100, "photo.jpg", "Only PDF"),
    (b"plain text\x00with a NUL", "note.txt", "type is unknown"),
    (b"\xff\xfeh\x00i\x00", "utf16.txt", "type is unknown"),
])
def test_refused_content_leaves_the_store_empty(tmp_path, data, name, message):
    with pytest.raises(UploadRefused, match=message):
        take(tmp_path, data, name)
    assert store_files(tmp_path) == []


def test_a_character_cut_by_the_sniffing_window_is_still_text(tmp_path):
    # 8 KiB of Devanagari (3 bytes a letter) ends mid-character in the sample the sniffer reads.
    text = ("बकाया राशि " * 2000).encode()
    got = take(tmp_path, text, "बकाया.txt")
    assert got.kind.mime == "text/plain" and got.filename == "बकाया.txt"
    assert got.size == len(text)


def test_invalid_utf8_inside_the_window_is_refused(tmp_path):
    with pytest.raises(UploadRefused):
        take(tmp_path, b"abc\xc3\x28def" * 10, "bad.txt")
    assert store_files(tmp_path) == []
