"""Test inputs for evidence: Office files built in memory, multipart bodies written to disk, and
an S3-compatible server (moto) on a free local port."""
from __future__ import annotations

import contextlib
import io
import socket
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tests.pdfs import PDF  # noqa: F401  (a valid one-page PDF; others import it from here)

CHUNK = 1024 * 1024


def docx_bytes(text: str = "Purchase order 17") -> bytes:
    """The smallest Word package Word itself opens: content types, one relationship, the body."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'content-types"><Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.'
                    'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        zf.writestr("word/document.xml", f'<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:t>'
                                         f'{text}</w:t></w:r></w:p></w:body></w:document>')
    return buf.getvalue()


def zip_bytes(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in names.items():
            zf.writestr(name, data)
    return buf.getvalue()


def write_multipart(path: Path, fields: dict[str, str], filename: str, head: bytes, filler: int,
                    fill_byte: bytes = b"0") -> str:
    """Write a multipart/form-data body to `path` a megabyte at a time (the file part is `head`
    followed by `filler` bytes); return the Content-Type header with its boundary."""
    boundary = uuid.uuid4().hex
    with open(path, "wb") as out:
        for name, value in fields.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                      f"{value}\r\n".encode())
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                  f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode())
        out.write(head)
        block = fill_byte * CHUNK
        left = filler
        while left:
            out.write(block[:min(left, CHUNK)])
            left -= min(left, CHUNK)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}"


def post_file_body(client, url: str, body: Path, content_type: str):
    """POST a body straight from disk, so neither the test nor the test client holds it in memory."""
    with open(body, "rb") as stream:
        return client.post(url, input_stream=stream, content_length=body.stat().st_size,
                           content_type=content_type)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def moto_s3(bucket: str) -> Iterator[str]:
    """A real HTTP S3 endpoint (moto's threaded server) with one bucket; yields its URL."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        boto3.client("s3", endpoint_url=endpoint, region_name="ap-south-1").create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
        yield endpoint
    finally:
        server.stop()
