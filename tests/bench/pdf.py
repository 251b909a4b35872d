"""Benchmark of the summary report's PDF against a generated database (see generate.py).

    python -m tests.bench.pdf \
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_province

In one run, side by side, each repetition in fresh processes, alternating:

(a) our pipeline for the province's summary, as the rendering task runs it: the figures
    (the rollup and the appendix's query, `reports.pdf.freeze`), the document's context
    and HTML (`reports.pdf.render_html`), then WeasyPrint behind our URL fetcher in a forked
    child under the time and memory caps (`config.pdf_sandbox.run_isolated`), back to PDF bytes.
    Wall time from the first query to the bytes (imports and the narrative's pre-fill, done
    once when a draft is created, are not timed), and peak RSS: the largest of the process
    and its render child (VmHWM and RUSAGE_CHILDREN), forked children included.
(b) WeasyPrint alone, in a process that imports nothing of the project, rendering the HTML
    string that (a) produced, with the same base URL and WeasyPrint's own URL fetcher (only
    the stylesheet, whose `portal:` URL it cannot open, is answered from memory, so the
    document is the same): wall time and peak RSS.

Prints the medians, the ratio a/b, the page count and PASS/MISS against the targets; writes
tests/bench/out/pdf-<scale>.json and the last PDF, tests/bench/out/pdf-<scale>.pdf.
"""

import argparse
import datetime
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import common

TARGET_SECONDS = 3.0
TARGET_MIB = 300
TARGET_RATIO = 1.3


# --- measuring inside a child process -----------------------------------------------------------
def peak_rss_mib():
    """The largest RSS of this process and of its waited-for children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(own / 1024, 1), round(children / 1024, 1)


def cpu_seconds():
    """CPU time (user + system) of this process and its waited-for children: less moved
    than wall time by other work on a shared machine."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def page_count(content):
    """Pages of a PDF, by poppler's pdfinfo (the PDF's objects are compressed)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        info = subprocess.run(
            ["pdfinfo", handle.name], capture_output=True, text=True, check=True
        ).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def rss_now_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def pipeline(args):
    """(a): prints one JSON line; writes the HTML and the PDF next to `args.html`."""
    common.configure_django(args.database_url)
    from campaign.models import Campaign
    from config import pdf_sandbox
    from reports import pdf
    from reports.models import SummaryReport
    from reports.prefill import prefill
    from reports.rollup import rollup
    from units.models import Unit

    unit = Unit.objects.filter(code=common.BENTRE_CODE).first()
    unit = unit or Unit.objects.filter(depth=1).order_by("path").first()
    campaign = Campaign.objects.get(slug=common.CAMPAIGN_SLUG)
    # An issued report that was never saved: the database is only read. Its narrative is
    # pre-filled as the draft's would be (not timed: that happens once, at creation).
    report = SummaryReport(
        campaign=campaign,
        year=args.year,
        unit=unit,
        include=args.include,
        number="15/BC-LĐLĐ",
        dated_on=datetime.date(args.year + 1, 1, 5),
        signer_name="Phó Chủ tịch Thường trực",
        status=SummaryReport.Status.ISSUED,
    )
    prefill(report, rollup(campaign, args.year, unit, args.include))
    rss_before = rss_now_mib()
    cpu_started = cpu_seconds()
    started = time.perf_counter()
    figures = pdf.figures_of(report)
    figured = time.perf_counter()
    html = pdf.render_html(report, figures)
    written = time.perf_counter()
    content = pdf_sandbox.run_isolated(
        pdf_sandbox.html_to_pdf, html, pdf.ARCHIVAL_VARIANT, timeout=pdf_sandbox.RENDER_TIMEOUT
    )
    finished = time.perf_counter()
    cpu = cpu_seconds() - cpu_started
    own, children = peak_rss_mib()
    Path(args.html).write_text(html, encoding="utf-8")
    Path(args.html).with_suffix(".pdf").write_bytes(content)
    print(
        json.dumps(
            {
                "seconds": finished - started,
                "cpu_seconds": cpu,
                "figures_seconds": figured - started,
                "html_seconds": written - figured,
                "render_seconds": finished - written,
                "rss_before_mib": rss_before,
                "peak_mib": max(own, children),
                "peak_process_mib": own,
                "peak_render_child_mib": children,
                "pages": page_count(content),
                "bytes": len(content),
                "html_chars": len(html),
                "units": unit.get_descendant_count() + 1,
                "national": Unit.objects.filter(depth=2, kind=Unit.Kind.PROVINCE).exists(),
                "appendix_units": len(figures["units"]),
                "scope": unit.name,
            }
        )
    )


def weasyprint_alone(args):
    """(b): prints one JSON line."""
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    html = Path(args.html).read_text(encoding="utf-8")
    stylesheet = (common.ROOT / "static" / "css" / "pdf.css").read_bytes()

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url == "portal://static/css/pdf.css":
                return URLFetcherResponse(url, stylesheet, {"Content-Type": "text/css"})
            return super().fetch(url, headers)

    rss_before = rss_now_mib()
    cpu_started = cpu_seconds()
    started = time.perf_counter()
    document = weasyprint.HTML(string=html, base_url="portal://static/", url_fetcher=Fetcher())
    rendered = document.render()
    # As the portal asks: PDF/A, tagged.
    content = rendered.write_pdf(pdf_variant="pdf/a-3b", pdf_tags=True)
    finished = time.perf_counter()
    cpu = cpu_seconds() - cpu_started
    own, _children = peak_rss_mib()
    print(
        json.dumps(
            {
                "seconds": finished - started,
                "cpu_seconds": cpu,
                "rss_before_mib": rss_before,
                "peak_mib": own,
                "pages": len(rendered.pages),
                "bytes": len(content),
            }
        )
    )


# --- the run ----------------------------------------------------------------------------------
def child(mode, args, html_path):
    command = [
        sys.executable,
        "-m",
        "tests.bench.pdf",
        "--child",
        mode,
        "--database-url",
        args.database_url,
        "--year",
        str(args.year),
        "--include",
        args.include,
        "--html",
        str(html_path),
    ]
    result = subprocess.run(
        command, cwd=common.ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode:
        sys.exit(f"{mode} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def fingerprint():
    """Short hashes of the code measured: others may edit it while a run goes on."""
    files = (
        "reports/pdf.py",
        "config/pdf_sandbox.py",
        "reports/rollup.py",
        "templates/pdf/summary.html",
        "static/css/pdf.css",
    )
    return {
        name: hashlib.sha256((common.ROOT / name).read_bytes()).hexdigest()[:12] for name in files
    }


def run(args):
    code_before = fingerprint()
    load_before = os.getloadavg()
    common.OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        html_path = Path(tmp) / "summary.html"
        pipelines, alones = [], []
        for rep in range(1, args.reps + 1):
            pipelines.append(child("pipeline", args, html_path))
            alones.append(child("weasyprint", args, html_path))
            a, b = pipelines[-1], alones[-1]
            print(
                f"  rep {rep}: (a) {a['seconds']:.2f} s "
                f"[figures {a['figures_seconds']:.2f}, html {a['html_seconds']:.2f}, "
                f"render {a['render_seconds']:.2f}], CPU {a['cpu_seconds']:.2f} s, "
                f"peak {a['peak_mib']} MiB; (b) {b['seconds']:.2f} s, "
                f"CPU {b['cpu_seconds']:.2f} s, peak {b['peak_mib']} MiB",
                flush=True,
            )
        first = pipelines[0]
        scale = args.scale or ("national" if first["national"] else "province")
        pdf_out = common.OUT / f"pdf-{scale}.pdf"
        pdf_out.write_bytes(html_path.with_suffix(".pdf").read_bytes())

    def median(rows, key):
        return round(statistics.median(row[key] for row in rows), 3)

    a_seconds, b_seconds = median(pipelines, "seconds"), median(alones, "seconds")
    a_peak = max(row["peak_mib"] for row in pipelines)
    b_peak = max(row["peak_mib"] for row in alones)
    ratio = a_seconds / b_seconds
    a_cpu, b_cpu = median(pipelines, "cpu_seconds"), median(alones, "cpu_seconds")
    pages = first["pages"]
    targets = {
        f"(a) wall <= {TARGET_SECONDS:.0f} s": (a_seconds <= TARGET_SECONDS, f"{a_seconds:.2f} s"),
        f"(a) peak RSS <= {TARGET_MIB} MiB": (a_peak <= TARGET_MIB, f"{a_peak:.0f} MiB"),
        f"a/b <= {TARGET_RATIO}": (
            ratio <= TARGET_RATIO,
            f"{a_seconds:.2f} / {b_seconds:.2f} s = {ratio:.2f}",
        ),
    }
    load_after = os.getloadavg()
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": common.database_name(args.database_url),
        "scale": scale,
        "scope": first["scope"],
        "scope_units": first["units"],
        "appendix_units": first["appendix_units"],
        "year": args.year,
        "include": args.include,
        "reps": args.reps,
        "pages": pages,
        "pipeline": pipelines,
        "weasyprint_alone": alones,
        "medians": {
            "pipeline_s": a_seconds,
            "figures_s": median(pipelines, "figures_seconds"),
            "html_s": median(pipelines, "html_seconds"),
            "render_s": median(pipelines, "render_seconds"),
            "weasyprint_alone_s": b_seconds,
            "pipeline_cpu_s": a_cpu,
            "weasyprint_alone_cpu_s": b_cpu,
        },
        "cpu_ratio": round(a_cpu / b_cpu, 2),
        "peak_mib": {"pipeline": a_peak, "weasyprint_alone": b_peak},
        "ratio": round(ratio, 2),
        "targets": {name: {"pass": ok, "value": value} for name, (ok, value) in targets.items()},
        "machine": common.machine_info(),
        "load_average": {"before": load_before, "after": load_after},
    }

    print(
        f"\n{first['scope']}: {first['units']:,} units, {first['appendix_units']:,} expected "
        f"in the appendix; {pages} pages, {first['bytes'] / 1024:.0f} KiB "
        f"(HTML {first['html_chars'] / 1024:.0f} KiB); {args.reps} runs each, medians\n"
    )
    rows = [
        ("(a) our pipeline", a_seconds, a_cpu, a_peak),
        ("    figures (rollup + appendix query)", median(pipelines, "figures_seconds"), None, None),
        ("    context + HTML", median(pipelines, "html_seconds"), None, None),
        ("    render in a child (WeasyPrint)", median(pipelines, "render_seconds"), None, None),
        ("(b) WeasyPrint alone, same HTML", b_seconds, b_cpu, b_peak),
    ]
    print(f"{'':42}{'wall s':>8}  {'CPU s':>8}  {'peak MiB':>8}")
    for label, seconds, cpu, peak in rows:
        print(
            f"{label:42}{seconds:>8.2f}  {'' if cpu is None else f'{cpu:>8.2f}'}"
            f"  {'' if peak is None else f'{peak:>8.0f}'}"
        )
    print(f"{'a/b':42}{ratio:>8.2f}  {a_cpu / b_cpu:>8.2f}")
    width = max(len(name) for name in targets)
    print(f"\n{'target':<{width}}  {'result':<6}  value")
    for name, (ok, value) in targets.items():
        print(f"{name:<{width}}  {'PASS' if ok else 'MISS':<6}  {value}")

    code_after = fingerprint()
    results["code"] = {"before": code_before, "after": code_after}
    if code_after != code_before:
        print(f"WARNING: the code changed during the run: {code_before} -> {code_after}")
    print(
        f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}, "
        f"after {', '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs"
    )
    out = common.OUT / f"pdf-{scale}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nResults written to {out}; the PDF to {pdf_out}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--year", type=int, default=common.LAST_YEAR)
    parser.add_argument("--include", choices=("accepted", "submitted"), default="accepted")
    parser.add_argument("--reps", type=int, default=5, help="runs of (a) and of (b)")
    parser.add_argument("--scale", choices=("province", "national"), help="default: from the tree")
    parser.add_argument("--child", choices=("pipeline", "weasyprint"), help=argparse.SUPPRESS)
    parser.add_argument("--html", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "pipeline":
        return pipeline(args)
    if args.child == "weasyprint":
        return weasyprint_alone(args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
