"""PDF rendering with WeasyPrint behind a locked-down URL fetcher.

Documents may load only the project's own files (templates/pdf, portal/static) and inline data:
URIs; user text can never make the renderer fetch a URL or read another file. Fonts and the
print stylesheet are parsed once per process and reused, which long-lived workers benefit from.
A document that also links a stylesheet passed pre-parsed gets it once: applying the same sheet
twice made the cascade of a two-page notice about 20% slower (benchmarks/notices.py).
The cyclic garbage collector waits while a document is laid out (see `_collector_paused`).
"""
from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import render_template

from portal.config import PROJECT_ROOT

PDF_TEMPLATES = PROJECT_ROOT / "templates" / "pdf"
ALLOWED_ROOTS = (PDF_TEMPLATES.resolve(), (PROJECT_ROOT / "portal" / "static").resolve())


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LockedFetcher(URLFetcher):
        """Serves data: URIs and files under ALLOWED_ROOTS; refuses everything else."""

        def __init__(self, preparsed: frozenset[Path] = frozenset()):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False,
                             fail_on_errors=False, timeout=1)
            self.preparsed = preparsed

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if not any(path.is_relative_to(root) for root in ALLOWED_ROOTS):
                    raise ValueError(f"refused to read {path}: outside the document assets")
                if path in self.preparsed:  # applied from the per-process cache instead
                    return URLFetcherResponse(url, b"", {"Content-Type": "text/css"})
            elif not url.startswith("data:"):
                raise ValueError("refused to fetch a remote resource")
            return super().fetch(url, headers)

    return LockedFetcher


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def _stylesheet(name: str):
    from weasyprint import CSS

    return CSS(filename=str(PDF_TEMPLATES / name), font_config=_font_config(),
               url_fetcher=_fetcher_class()())


_pauses = {"depth": 0, "ours": False}
_pauses_lock = threading.Lock()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a document is rendered, one young-generation pass after.

    A render allocates hundreds of thousands of short-lived objects (boxes, styles, text lines), and
    CPython's collector ran about 50 times per notice, its full passes walking every object of the
    worker (the app, SQLAlchemy, WeasyPrint's fonts and stylesheets): 13% of a notice's render in a
    bare process, 20% in one with the app loaded (issue 22). Everything the render leaves behind is
    freed by reference counting or by the young pass after it, so a worker's memory stays flat. The
    collector is the process's: the lock and the depth keep overlapping renders (threads) from
    re-enabling it early, and a collector someone else disabled stays disabled.
    """
    with _pauses_lock:
        if _pauses["depth"] == 0:
            _pauses["ours"] = gc.isenabled()
            gc.disable()
        _pauses["depth"] += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses["depth"] -= 1
            resume = _pauses["depth"] == 0 and _pauses["ours"]
            if resume:
                gc.enable()
        if resume:
            gc.collect(0)


def html_to_pdf(html: str, stylesheets: tuple[str, ...] = ("base.css",)) -> bytes:
    from weasyprint import HTML

    preparsed = frozenset((PDF_TEMPLATES / name).resolve() for name in stylesheets)
    with _collector_paused():
        doc = HTML(string=html, base_url=str(PDF_TEMPLATES) + "/", url_fetcher=_fetcher_class()(preparsed))
        return doc.write_pdf(stylesheets=[_stylesheet(s) for s in stylesheets],
                             font_config=_font_config())


def render_pdf(template: str, *, stylesheets: tuple[str, ...] = ("base.css",), **context) -> bytes:
    """Render templates/<template> (Jinja, autoescaped) to PDF bytes."""
    return html_to_pdf(render_template(template, **context), stylesheets)
