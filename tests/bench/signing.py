"""What signing adds to an issued summary's PDF (target: at most 0.3 s).

    .venv/bin/python -m tests.bench.signing [--pdf some.pdf] [--reps 7]

In one run: render a summary-sized document (about 20 A4 pages in the PDF stylesheet, with
the signature block's anchor; or take --pdf, e.g. a rendered province summary), then, each
repetition in this process after one warm-up: the render (WeasyPrint through the portal's
fetcher), `reports.signing.sign_pdf` without a time-stamp (B-B) and with an in-process
time-stamper (B-T, no network: the time a real TSA answers in is not ours), and
`verify_pdf` (cache bypassed). A throw-away test PKI is made first (tests/reports/
test_signing.py). Prints the medians, the ratio signing/render, and PASS/MISS.
"""

import argparse
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.3


def synthetic_html(pages=20, stylesheet="portal://static/css/pdf.css"):
    paragraph = (
        "<p>Các cấp công đoàn đã triển khai kế hoạch tuyên truyền cải cách hành chính đến "
        "đoàn viên, người lao động; nhiều hình thức phong phú, thiết thực.</p>"
    )
    body = "".join(f"<h2>{n}. Kết quả</h2>" + paragraph * 12 for n in range(1, pages + 1))
    return (
        f'<html lang="vi"><head><link rel="stylesheet" href="{stylesheet}"></head><body>'
        f"<h1>BÁO CÁO</h1>{body}"
        '<table class="closing"><tr><td class="recipients">Nơi nhận:</td>'
        '<td class="signature"><p>TM. BAN THƯỜNG VỤ</p>'
        '<div class="signature-space" id="signature"></div><p>Người ký thử nghiệm</p></td></tr>'
        "</table></body></html>"
    )


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", help="sign this PDF instead of a synthetic render")
    parser.add_argument("--reps", type=int, default=7)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")  # no secret needed: nothing is served
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache

    from config import pdf_sandbox
    from reports import signing
    from tests.reports.signed_pdfs import PASSPHRASE, make_pki

    pki = make_pki(Path(tempfile.mkdtemp(prefix="bench-signing-")))
    settings.SIGNING_PKCS12_PATH = str(pki.p12_path)
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    settings.SIGNING_TSA_URL = ""
    html = synthetic_html()
    render = []
    content = Path(options.pdf).read_bytes() if options.pdf else None
    organisation = "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE"
    bb, bt, verify = [], [], []
    for rep in range(options.reps + 1):
        if not options.pdf:
            seconds, content = timed(pdf_sandbox.html_to_pdf, html)
            if rep:
                render.append(seconds)
        settings.SIGNING_TSA_URL = ""
        seconds, signed = timed(signing.sign_pdf, content, organisation=organisation)
        assert signed.level == "B-B"
        bb.append(seconds)
        settings.SIGNING_TSA_URL = "http://tsa.invalid/"
        signing.timestamper_for = pki.timestamper
        seconds, stamped = timed(signing.sign_pdf, content, organisation=organisation)
        assert stamped.level == "B-T"
        bt.append(seconds)
        cache.clear()
        seconds, check = timed(signing.verify_pdf, stamped.content)
        assert check.state == signing.VALID
        verify.append(seconds)
    bb, bt, verify = bb[1:], bt[1:], verify[1:]  # the first run loads pyHanko and the font
    median = statistics.median
    from pyhanko.pdf_utils.reader import PdfFileReader

    pages = int(PdfFileReader(io.BytesIO(content)).root["/Pages"]["/Count"])
    print(f"PDF: {len(content) / 1024:.0f} KiB, {pages} pages, {options.reps} repetitions")
    if render:
        print(f"render (WeasyPrint, in process): {median(render):.3f} s")
    print(f"sign B-B: {median(bb):.3f} s   (max {max(bb):.3f})")
    print(f"sign B-T (in-process TSA): {median(bt):.3f} s   (max {max(bt):.3f})")
    print(f"verify (offline, uncached): {median(verify):.3f} s")
    if render:
        print(f"signing / render: {median(bb) / median(render):.1%}")
    # The target is the portal's own work: B-B. B-T adds the time-stamp server's answer (here
    # pyHanko's in-process RSA time-stamper, asked twice: once to size the signature).
    verdict = "PASS" if median(bb) <= TARGET_SECONDS else "MISS"
    print(f"{verdict}: signing adds {median(bb):.3f} s (target ≤ {TARGET_SECONDS} s)")


if __name__ == "__main__":
    main()
