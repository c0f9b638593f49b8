"""The verification QR printed on a notice reads back as its URL: the PNG is decoded here without
segno (format information, unmasking, the codewords in their zigzag, byte mode), so a fixed data
mask or any other change to how the code is made cannot print a code that says something else."""
from __future__ import annotations

import base64
import struct
import zlib

import pytest

from notices.drafting.verification_qr import QR_MASK, qr_data_uri

SCALE, BORDER = 8, 1  # as qr_data_uri draws it
# Error correction M, versions 1-6 (no version information blocks): (blocks, data codewords each).
M_BLOCKS = {1: (1, 16), 2: (1, 28), 3: (1, 44), 4: (2, 32), 5: (2, 43), 6: (4, 27)}
ALIGNMENT = {2: 18, 3: 22, 4: 26, 5: 30, 6: 34}  # the one pattern's centre below version 7
LEVELS = {1: "L", 0: "M", 3: "Q", 2: "H"}
MASKS = (lambda r, c: (r + c) % 2 == 0, lambda r, c: r % 2 == 0, lambda r, c: c % 3 == 0,
         lambda r, c: (r + c) % 3 == 0, lambda r, c: (r // 2 + c // 3) % 2 == 0,
         lambda r, c: r * c % 2 + r * c % 3 == 0, lambda r, c: (r * c % 2 + r * c % 3) % 2 == 0,
         lambda r, c: ((r + c) % 2 + r * c % 3) % 2 == 0)


def png_modules(png: bytes) -> list[list[bool]]:
    """The dark (True) and light modules of a 1-bit greyscale PNG of a QR code, quiet zone removed."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pos, idat, header = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = header
    assert (depth, colour) == (1, 0) and width == height and width % SCALE == 0
    raw, stride = zlib.decompress(idat), 1 + (width + 7) // 8
    rows, previous = [], bytes(stride - 1)
    for y in range(height):
        kind, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
        assert kind in (0, 2), "only the None and Up filters are undone here"
        if kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        rows.append(previous := bytes(line))

    def dark(x, y):
        return not rows[y][x // 8] >> (7 - x % 8) & 1

    size = width // SCALE
    return [[dark(c * SCALE + SCALE // 2, r * SCALE + SCALE // 2) for c in range(BORDER, size - BORDER)]
            for r in range(BORDER, size - BORDER)]


def format_info(m: list[list[bool]]) -> tuple[str, int]:
    """The error correction level and data mask the code's format information names (first copy)."""
    cells = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, 14 - i) for i in range(9, 15)]
    read = sum(m[r][c] << i for i, (r, c) in enumerate(cells))
    for level in LEVELS:
        for mask in range(8):
            data = level << 3 | mask
            rem = data
            for _ in range(10):
                rem = (rem << 1) ^ ((rem >> 9) * 0x537)
            if (data << 10 | rem & 0x3FF) ^ 0x5412 == read:
                return LEVELS[level], mask
    raise AssertionError("no valid format information")


def function_module(size: int, version: int, r: int, c: int) -> bool:
    if r == 6 or c == 6 or (r < 9 and c < 9) or (r < 9 and c >= size - 8) or (r >= size - 8 and c < 9):
        return True  # timing, finders with separators and format information (and the dark module)
    centre = ALIGNMENT.get(version)
    return centre is not None and abs(r - centre) <= 2 and abs(c - centre) <= 2


def decode(png: bytes) -> tuple[str, int, str]:
    """(error correction level, data mask, the text) of a byte-mode QR code of version 1-6."""
    m = png_modules(png)
    size = len(m)
    version = (size - 17) // 4
    level, mask = format_info(m)
    assert level == "M" and version in M_BLOCKS
    bits, right = [], size - 1
    while right >= 1:  # two columns at a time from the right, up then down, skipping the timing column
        if right == 6:
            right = 5
        for vert in range(size):
            for c in (right, right - 1):
                r = size - 1 - vert if (right + 1) & 2 == 0 else vert
                if not function_module(size, version, r, c):
                    bits.append(m[r][c] ^ MASKS[mask](r, c))
        right -= 2
    codewords = [int("".join(str(int(b)) for b in bits[i:i + 8]), 2) for i in range(0, len(bits) - 7, 8)]
    blocks, per_block = M_BLOCKS[version]
    data = [codewords[j * blocks + b] for b in range(blocks) for j in range(per_block)]  # de-interleave
    stream = "".join(f"{cw:08b}" for cw in data)
    assert stream[:4] == "0100", "byte mode"
    length = int(stream[4:12], 2)
    text = bytes(int(stream[12 + 8 * i:20 + 8 * i], 2) for i in range(length)).decode()
    return level, mask, text


@pytest.mark.parametrize("url", ["https://sulah.example/verify/ABCDEFGH2345",
                                 "http://127.0.0.1:5000/verify/K7M2P9QX4R",
                                 "https://app.sulah.example/verify/ZZ23456789"])
def test_the_verification_qr_reads_back_as_its_url_with_the_fixed_mask(url):
    png = base64.b64decode(qr_data_uri(url).removeprefix("data:image/png;base64,"))
    assert decode(png) == ("M", QR_MASK, url)

