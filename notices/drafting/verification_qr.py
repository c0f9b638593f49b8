"""The verification QR code printed on a notice: its URL as a small PNG (a data: URI for WeasyPrint)."""
from __future__ import annotations

import base64
import struct
import zlib

import segno

# The data mask every verification QR takes. Choosing the best of the eight per code (ISO/IEC 18004
# 7.8.3) cost segno ~3 ms of a ~3.5 ms code; any mask reads the same, and over verification URLs
# mask 3 scores on average 4% (at worst 20%) above the best one's penalty, the closest of the eight.
QR_MASK = 3
SCALE = 8  # pixels a module: one byte of a 1-bit image, so a row of modules is a row of bytes
_MODULE_BYTES = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # light white (1), dark black (0)


def qr_data_uri(url: str) -> str:
    """The verification URL as a PNG QR code (error correction M, 8 px a module: ~0.3 KB, sharp at the
    print size of 26 mm). An SVG path of the same code was ~8.7 KB and cost WeasyPrint ~10% of a
    notice's render (issue 22)."""
    qr = segno.make(url, error="m", boost_error=False, mask=QR_MASK)
    return "data:image/png;base64," + base64.b64encode(qr_png(qr.matrix)).decode("ascii")


def qr_png(matrix) -> bytes:
    """The PNG segno's writer makes of `matrix` at scale 8 with a one-module border, byte for byte
    (1-bit greyscale, each row once and its seven repeats as the "Up" filter), built from whole rows
    instead of pixel by pixel (~1 ms of a notice's ~1.3 ms code)."""
    row_bytes = len(matrix[0]) + 2
    border = (b"\x00" + b"\xff" * row_bytes) * SCALE
    repeats = (b"\x02" + bytes(row_bytes)) * (SCALE - 1)
    idat = border + b"".join(b"\x00\xff" + bytes(row).translate(_MODULE_BYTES) + b"\xff" + repeats
                             for row in matrix) + border
    side = row_bytes * SCALE
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">2I5B", side, len(matrix) * SCALE + 2 * SCALE,
                                                                  1, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(idat, 9)) + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
