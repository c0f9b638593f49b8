"""The shared PDF renderer: real PDFs, Devanagari text, and no fetching of anything outside."""
import http.server
import subprocess
import threading

import pytest

from portal.pdf import _fetcher_class, html_to_pdf


def test_renders_a_pdf_with_devanagari(app, tmp_path):
    with app.app_context():
        pdf = html_to_pdf("<h1>Notice</h1><p lang='hi'>बकाया राशि का भुगतान करें</p>")
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "n.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Devanagari" in fonts  # the project's Devanagari font is embedded


def test_user_text_cannot_make_the_renderer_fetch(app):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        hostile = (f"<img src='{url}/img'><link rel=stylesheet href='{url}/css'>"
                   f"<style>@import url({url}/imp); body {{ background: url({url}/bg) }}</style>"
                   "<img src='file:///etc/passwd'>")
        with app.app_context():
            assert html_to_pdf(hostile).startswith(b"%PDF-")
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/x.png",
                                 "ftp://example.com/x", "file:///work/../etc/hosts"])
def test_fetcher_refuses_outside_urls(url):
    with pytest.raises(ValueError):
        _fetcher_class()().fetch(url)


def test_fetcher_serves_inline_data():
    resp = _fetcher_class()().fetch("data:text/plain;base64,aGk=")
    assert resp.read() == b"hi"


def test_rendering_logs_nothing_below_warning_even_at_debug(app, caplog):
    """A worker at --loglevel INFO (or DEBUG) shows no WeasyPrint step lines or fontTools subsetting
    lines for each PDF it renders; their warnings still would."""
    import logging

    with app.app_context(), caplog.at_level(logging.DEBUG):
        html_to_pdf("<html><body><p>नमस्ते, Sulah</p></body></html>")
    noisy = [r for r in caplog.records if r.name.split(".")[0] in ("weasyprint", "fontTools")]
    assert noisy == []
    assert logging.getLogger("weasyprint").getEffectiveLevel() == logging.WARNING


def test_the_collector_waits_during_a_render_and_is_back_after_it(app, monkeypatch):
    """The cyclic garbage collector is off while WeasyPrint lays a document out, back on after it (a
    failed render included), and left off when someone else had turned it off."""
    import gc

    import weasyprint

    seen = []
    real = weasyprint.HTML.write_pdf

    def spying(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spying)
    assert gc.isenabled()
    assert html_to_pdf("<p>Collector test</p>").startswith(b"%PDF-")
    assert seen == [False] and gc.isenabled()

    def failing(self, *args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", failing)
    with pytest.raises(RuntimeError):
        html_to_pdf("<p>Collector test</p>")
    assert gc.isenabled()

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spying)
    gc.disable()
    try:
        html_to_pdf("<p>Collector test</p>")
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False]
