"""The verification QR code printed on a notice: its URL as a small PNG (a data: URI for WeasyPrint)."""
from __future__ import annotations

import segno

# The data mask every verification QR takes. Choosing the best of the eight per code (ISO/IEC 18004
# 7.8.3) cost segno ~3 ms of a ~3.5 ms code; any mask reads the same, and over verification URLs
# mask 3 scores on average 4% (at worst 20%) above the best one's penalty, the closest of the eight.
QR_MASK = 3


def qr_data_uri(url: str) -> str:
    """The verification URL as a PNG QR code (error correction M, 8 px a module: ~0.3 KB, sharp at the
    print size of 26 mm). An SVG path of the same code was ~8.7 KB and cost WeasyPrint ~10% of a
    notice's render (issue 22)."""
    return segno.make(url, error="m", boost_error=False, mask=QR_MASK).png_data_uri(scale=8, border=1)
