"""Where signatures land on a document: the stamp in the bottom margin the print stylesheet keeps
free (never over the text, never over the page number, which is at the top), the platform's seal
beside a signatory's stamp, and each signature field named for who signs."""
import io
import re
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from portal.adapters.esign.base import STAMP_BOX_LEFT, STAMP_BOX_RIGHT, Signer, SignRequest, field_name
from portal.adapters.esign.democert import make_demo_pkcs12
from portal.adapters.esign.pades import PadesProvider
from portal.config import PROJECT_ROOT
from portal.pdf import html_to_pdf

PASS = b"demo-passphrase"
MM = 72 / 25.4


def _bottom_margin_points() -> float:
    css = (PROJECT_ROOT / "templates" / "pdf" / "base.css").read_text(encoding="utf-8")
    top, right, bottom, left = re.search(r"@page \{[^}]*?margin: (\S+) (\S+) (\S+) (\S+);", css).groups()
    return float(bottom.removesuffix("mm")) * MM


def test_stamps_sit_in_the_free_bottom_margin_side_by_side():
    margin = _bottom_margin_points()
    for box in (STAMP_BOX_LEFT, STAMP_BOX_RIGHT):
        x1, y1, x2, y2 = box
        assert 0 < y1 < y2 <= margin and 0 < x1 < x2 <= 595   # inside A4, below the text
    assert STAMP_BOX_LEFT[2] < STAMP_BOX_RIGHT[0]             # the seal and a signature never overlap


@pytest.mark.parametrize(("capacity", "name"), [
    ("Advocate, Bar Council of Maharashtra and Goa", "AdvocateSignature"),
    ("Sole arbitrator", "ArbitratorSignature"),
    ("For Shree Garments", "PartySignature"),
])
def test_signature_fields_are_named_for_who_signs(capacity, name):
    assert field_name(capacity) == name


def test_an_award_signed_by_the_arbitrator_has_its_own_field_and_the_text_stays_clear(app):
    arbitrator = Signer(name="Justice (retd.) A. Rao", email="a@example.in", user_id=3, capacity="Sole arbitrator")
    with app.app_context():
        pdf = html_to_pdf("<h1>Arbitral award</h1>" + "<p>Reasons for the award, paragraph after paragraph.</p>" * 70)
    signed = PadesProvider(lambda _s: (make_demo_pkcs12(arbitrator.name, PASS), PASS)).sign(SignRequest(
        document_id="award-1", pdf=pdf, signer=arbitrator, reason="Arbitral award")).signed_pdf
    [signature] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert signature.field_name == "ArbitratorSignature"
    # The document's own text on its last page (poppler's bounding boxes) ends above the stamp's
    # box, and its page number is in the top margin.
    layout = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                            check=True).stdout.decode()
    last = layout.split("<page ")[-1]
    height = float(re.search(r'height="([\d.]+)"', last).group(1))
    words = [(float(top), height - float(bottom), word) for top, bottom, word in
             re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', last)]
    assert words and min(above_foot for _top, above_foot, _w in words) > STAMP_BOX_RIGHT[3]
    assert next(top for top, _foot, word in words if word == "Page") < 22 * MM
