"""Signing benchmark: the time to PAdES-sign one rendered notice, per way of holding the key.

    .venv/bin/python benchmarks/signing.py [N]        (default 100 signatures per way)

Ways: the advocate's PKCS#12 as Sulah signs with it (key parsed once per worker, signature space
reserved up front with bytes_reserved); the same PKCS#12 as pyHanko does it by default (the file
re-opened for every signature, no bytes_reserved, so pyHanko signs twice to size the placeholder);
a key on a PKCS#11 token (SoftHSM 2, one logged-in session kept); and the cached PKCS#12 with an
RFC 3161 timestamp from a TSA on this machine (tests/fakes/tsa_server.py: the HTTP round trip and the
TSA's own signature, without a network). Issue 4's figure: about 119 ms cut to under 20 ms.

One process, one notice PDF (the notice template through WeasyPrint), a few warm-up signatures per
way before timing; median and p95 of N. Every way's first output is checked for an intact signature.
"""
from __future__ import annotations

import io
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WARM_UP = 3
PASSPHRASE = b"bench-passphrase"
TOKEN, PIN = "bench-token", "24682468"


def notice_pdf() -> bytes:
    from portal.pdf import html_to_pdf

    body = "<h1>LEGAL NOTICE</h1>" + "<p>Demand for payment of the outstanding invoices.</p>" * 60
    return html_to_pdf(body, ("base.css", "notice.css"))


def pyhanko_default(pkcs12: bytes) -> Callable[[bytes], bytes]:
    """pyHanko used plainly: load the PKCS#12 each time, let sign_pdf size the signature itself."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    from portal.adapters.esign.pades import FIELD_NAME

    def sign(pdf: bytes) -> bytes:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=None, passphrase=PASSPHRASE)
        meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES, reason="Legal notice")
        stamp = TextStampStyle(stamp_text="Digitally signed by %(signer)s")
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=stamp,
                                       new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=-1,
                                                                          box=(300, 30, 565, 120)))
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                                  appearance_text_params={"signer": "Adv. Bench Mark"})
        return out.getvalue()

    return sign


def sulah(source, tsa=None) -> Callable[[bytes], bytes]:
    from portal.adapters.esign.base import Signer, SignRequest
    from portal.adapters.esign.pades import PadesProvider

    provider = PadesProvider(lambda signer: source, tsa=tsa)
    signer = Signer("Adv. Bench Mark", "bench@example.in", 1, "Advocate")

    def sign(pdf: bytes) -> bytes:
        return provider.sign(SignRequest("bench-notice", pdf, signer, "Legal notice")).signed_pdf

    return sign


def token_key(folder: Path):
    """A SoftHSM token holding a fresh key and certificate; None where SoftHSM is not installed."""
    from portal.adapters.esign.tokens import Pkcs11Key
    from tests.fakes.pki import issue
    from tests.fakes.softhsm import SoftHsm, softhsm_module

    module = softhsm_module()
    if module is None:
        return None
    hsm = SoftHsm(folder, module)
    hsm.init_token(TOKEN, PIN)
    hsm.activate()
    hsm.import_key(TOKEN, PIN, "dsc", issue("Adv. Bench Mark", issuer=issue("Bench CA", ca=True)))
    return Pkcs11Key(module, TOKEN, "dsc", PIN)


def measure(sign: Callable[[bytes], bytes], pdf: bytes, n: int) -> list[float]:
    from notices.signing.signatures import signature_intact

    first = sign(pdf)
    assert signature_intact(first), "the benchmark must time signatures that validate"
    for _ in range(WARM_UP - 1):
        sign(pdf)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        sign(pdf)
        times.append(1000 * (time.perf_counter() - t0))
    return times


def report(name: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"  {name:<52} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    folder = Path(tempfile.mkdtemp(prefix="sulah-bench-signing-"))
    os.environ.setdefault("SULAH_INSTANCE", str(folder / "instance"))
    os.environ.setdefault("SULAH_ENV", "development")  # the embedded default: demo seal and keys
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the fake TSA logs every request

    from portal.adapters.esign.democert import make_demo_pkcs12
    from portal.adapters.esign.keys import Pkcs12Key
    from portal.adapters.esign.pades import TsaSettings
    from portal.adapters.esign.tokens import close_token_sessions
    from tests.fakes.tsa_server import FakeTsa

    pdf = notice_pdf()
    pkcs12 = make_demo_pkcs12("Adv. Bench Mark", PASSPHRASE)
    print(f"signatures per way: {n} (after {WARM_UP} warm-up)  notice PDF: {len(pdf) / 1024:.0f} KiB  "
          f"RSA-2048, SHA-256  cores: {os.cpu_count()}")
    ways: list[tuple[str, Callable[[bytes], bytes]]] = [
        ("PKCS#12, key cached + bytes_reserved (Sulah)", sulah(Pkcs12Key(pkcs12, PASSPHRASE))),
        ("PKCS#12, pyHanko default (reload, no bytes_reserved)", pyhanko_default(pkcs12)),
    ]
    token = token_key(folder / "softhsm")
    if token is not None:
        ways.append(("PKCS#11 SoftHSM token, session kept", sulah(token)))
    tsa = FakeTsa()
    ways.append(("PKCS#12 cached + RFC 3161 timestamp (local TSA)",
                 sulah(Pkcs12Key(pkcs12, PASSPHRASE), TsaSettings(tsa.url))))
    try:
        for name, sign in ways:
            report(name, measure(sign, pdf, n))
        if token is None:
            print("  PKCS#11: SoftHSM is not installed (scripts/system-deps.sh installs softhsm2)")
        if tsa.work_ms:
            work = statistics.median(tsa.work_ms)
            print(f"timestamps issued by the local TSA: {len(tsa.issued)} (one per signature); its own work "
                  f"(re-loading its key, signing) median {work:.1f} ms of that time")
    finally:
        tsa.stop()
        close_token_sessions()


if __name__ == "__main__":
    main()
