"""Charts drawn on the server as SVG: horizontal bars with their figures written beside them, a
title for screen readers (the page puts the same figures in a table next to the chart)."""
from __future__ import annotations

from decimal import Decimal

from markupsafe import escape

WIDTH, BAR_H, GAP, LABEL_W, VALUE_W = 360, 22, 8, 120, 110


def bars(title: str, items: list[tuple[str, Decimal | int]], fmt=str, chart_id: str = "chart") -> str:
    """A horizontal bar chart that scales to its container (viewBox), readable without JavaScript.
    Every piece of text in it is escaped here, so the page may include it as it is."""
    top = max((Decimal(v) for _, v in items), default=Decimal(0))
    track = WIDTH - LABEL_W - VALUE_W
    height = len(items) * (BAR_H + GAP) + GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-labelledby="{escape(chart_id)}-title" class="chart" width="100%">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR_H + GAP)
        w = 0 if top <= 0 else int(Decimal(track) * Decimal(value) / top)
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{max(w, 1)}" height="{BAR_H}" fill="#2f6f8f"/>')
        parts.append(f'<text x="{LABEL_W + max(w, 1) + 4}" y="{y + 15}" font-size="12">'
                     f'{escape(fmt(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)
