"""Where one worker's time goes when it renders a notice: CPU milliseconds per render (process_time,
so other work on a shared machine does not count) of the English and the Hindi notice of the demo
case, the PDF's size and page count, and optionally a cProfile of the renders.

    .venv/bin/python benchmarks/notice_profile.py [N] [--pipeline] [--profile]

N notices per language (default 30) after a warm-up, in one process, through the function
benchmarks/notices.py times for the raw render (portal.pdf.html_to_pdf with the notice's
stylesheets); --pipeline times each step of its pipeline instead (the notice's HTML from the case,
the PDF, the signature, the store); --profile prints the 30 costliest functions by cumulative time.
"""
from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bootstrap import instance  # noqa: E402
from benchmarks.notices import _Numbered, setup  # noqa: E402

STYLESHEETS = ("base.css", "notice.css")


class _InLanguage(_Numbered):
    def __init__(self, notice, code: str, language) -> None:
        super().__init__(notice, code)
        self.language = language


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 30
    with instance("notice-profile", sqlite=True) as (app, _env):
        notice_id = setup(app)
        with app.app_context(), app.test_request_context():
            run(n, notice_id, profile="--profile" in sys.argv, pipeline="--pipeline" in sys.argv)


def run(n: int, notice_id: int, *, profile: bool, pipeline: bool) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from evidence import store_pdf
    from notices.drafting.rendering import render_notice_html, render_notice_pdf
    from notices.models import Notice, NoticeLanguage
    from notices.signing.signatures import advocate_key_material
    from portal.adapters.esign.base import Signer, SignRequest
    from portal.adapters.esign.pades import PadesProvider
    from portal.cases.intake import today_ist
    from portal.extensions import db
    from portal.pdf import html_to_pdf

    notice = db.session.get(Notice, notice_id)
    adv = notice.case.advocate
    provider = PadesProvider(advocate_key_material(adv))
    today = today_ist()
    htmls = {lang: render_notice_html(_InLanguage(notice, "PROFILE000", lang), notice.case, today).html
             for lang in NoticeLanguage}
    if dump := os.environ.get("NOTICE_PROFILE_DUMP"):
        for lang, html in htmls.items():
            Path(dump, f"notice.{lang.value}.html").write_text(html, encoding="utf-8")

    def sign_pdf(pdf: bytes) -> bytes:
        return provider.sign(SignRequest(document_id="profile", pdf=pdf, reason="profile",
                                         signer=Signer(adv.name, adv.email, adv.id, "Advocate"))).signed_pdf

    for html in htmls.values():
        sign_pdf(html_to_pdf(html, STYLESHEETS))  # warm up: fonts, stylesheets, the key
    profiler = cProfile.Profile() if profile else None
    for lang, html in htmls.items():
        steps = dict.fromkeys(("html", "pdf", "sign", "store"), 0.0) if pipeline else {"pdf": 0.0}
        if profiler:
            profiler.enable()
        for i in range(n):
            t0 = time.process_time()
            if pipeline:
                html = render_notice_html(_InLanguage(notice, f"PROF{i:06d}", lang), notice.case, today).html
                t1 = time.process_time()
                steps["html"] += t1 - t0
                t0 = t1
            pdf = render_notice_pdf(html) if pipeline else html_to_pdf(html, STYLESHEETS)
            t1 = time.process_time()
            steps["pdf"] += t1 - t0
            if pipeline:
                pdf = sign_pdf(pdf)
                t2 = time.process_time()
                store_pdf(pdf)
                steps["sign"] += t2 - t1
                steps["store"] += time.process_time() - t2
        if profiler:
            profiler.disable()
        pages = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"]
        print(f"{lang.value}: {1000 * sum(steps.values()) / n:6.1f} CPU ms per notice  ("
              + ", ".join(f"{k} {1000 * v / n:.1f}" for k, v in steps.items())
              + f"; {len(pdf) / 1024:.1f} KB, {pages} pages)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
