"""A notice is rendered once: the PDF bulk drafting (or a preview) renders is the one signing takes,
as long as the notice's HTML is byte for byte the same; any change means a fresh render. The
verification QR code is a small PNG."""
from __future__ import annotations

import base64

import pytest

import portal.pdf
from notices.drafting.rendering import qr_data_uri, render_notice_pdf


@pytest.fixture
def renders(app, monkeypatch):
    calls = []
    real = portal.pdf.html_to_pdf

    def counting(html, stylesheets):
        calls.append(html)
        return real(html, stylesheets)
    monkeypatch.setattr(portal.pdf, "html_to_pdf", counting)
    with app.app_context():
        yield calls


def test_the_kept_pdf_is_taken_once_and_a_changed_notice_is_rendered_again(renders):
    html = "<html><body><p>Notice for the render-once test, version 1.</p></body></html>"
    kept = render_notice_pdf(html, keep=True)
    assert kept.startswith(b"%PDF-") and len(renders) == 1
    assert render_notice_pdf(html) == kept and len(renders) == 1  # signing takes it: no render
    render_notice_pdf(html)
    render_notice_pdf(html)
    assert len(renders) == 3  # taken means gone: without keep, nothing is stored again
    render_notice_pdf(html.replace("version 1", "version 2"))
    assert len(renders) == 4 and renders[-1].endswith("version 2.</p></body></html>")


def test_a_damaged_kept_file_is_rendered_again(renders, app):
    from notices.drafting import rendering

    html = "<html><body><p>Damaged file test.</p></body></html>"
    render_notice_pdf(html, keep=True)
    rendering._cached(html).write_bytes(b"not a pdf")
    assert render_notice_pdf(html).startswith(b"%PDF-") and len(renders) == 2


def test_the_verification_qr_is_a_small_png():
    uri = qr_data_uri("https://sulah.example/verify/ABCDEFGH2345")
    assert uri.startswith("data:image/png;base64,")
    png = base64.b64decode(uri.split(",", 1)[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 2_000
