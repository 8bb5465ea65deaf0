"""Benchmark: render and sign the seed-000 conclusion notice the way the
worker does (cchc.documents.official.document_pdf, then
cchc.documents.services.document_pdf_sign, the production signing call), beside
LibreOffice headless converting the same content to PDF, in the same run.

Run with ``make bench-documents`` (installs LibreOffice for the benchmark
only) or ``.venv/bin/python bench/documents_bench.py``. It works in a
throwaway SQLite database under a temporary folder and prints:

- median milliseconds per signed notice (warm) and pages per notice;
- throughput for a batch of 100;
- resident memory across 500 renders (growth from after the warm-up);
- LibreOffice beside cchc, interleaved round by round (one conversion,
  then ten notices), and the ratio: the median of the rounds' ratios.

Targets (issue 4): under 300 ms warm, at least 5 times faster than
LibreOffice, memory flat (under 50 MB growth).
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="cchc-docbench-"))
os.environ.update(
    {
        "CCHC_VAR_DIR": str(WORK / "var"),
        "DJANGO_SETTINGS_MODULE": "cchc.settings",
        "LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("DATABASE_URL", None)
(WORK / "var").mkdir()
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def setup_document():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("create_demo_certificate", verbosity=0)
    from cchc.choices import DocumentStatus
    from inspections.drafting import notice_unsaved
    from inspections.models import Inspection

    inspection = Inspection.objects.get(unit__name__contains="Duy Xuyên", plan__number="2005/KH-UBND")
    document = notice_unsaved(inspection=inspection)
    document.status = DocumentStatus.ISSUED
    document.number, document.year = 146, 2019
    document.issued_on = inspection.notice_issued_at.date()
    return document


def render_and_sign(document) -> bytes:
    from cchc.documents import official
    from cchc.documents.services import document_pdf_sign

    return document_pdf_sign(document=document, pdf=official.document_pdf(document))


def page_count(pdf: bytes) -> int:
    path = WORK / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def libreoffice_convert(soffice: str, source: Path, profile: Path) -> float:
    """Milliseconds for one LibreOffice headless conversion of ``source``."""
    start = time.perf_counter()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(WORK / "lo"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return (time.perf_counter() - start) * 1000


def interleaved_ratio(document, rounds: int, renders: int) -> tuple[list, list, list] | None:
    """LibreOffice and cchc side by side: each round times one LibreOffice
    conversion and then ``renders`` cchc renders + signatures, so that both
    run under the same machine conditions (a shared 2-core machine drifts by
    tens of per cent over a minute). Returns LibreOffice's times, cchc's
    times and the ratio of each round (LibreOffice / cchc's median of the
    round); None without LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    from cchc.documents import official

    source = WORK / "notice.html"
    source.write_text(official.document_html(document), encoding="utf-8")
    profile = WORK / "lo-profile"
    libreoffice_convert(soffice, source, profile)  # creates the profile: not counted
    lo_times, cchc_times, ratios = [], [], []
    for _ in range(rounds):
        lo = libreoffice_convert(soffice, source, profile)
        ours = []
        for _ in range(renders):
            start = time.perf_counter()
            render_and_sign(document)
            ours.append((time.perf_counter() - start) * 1000)
        lo_times.append(lo)
        cchc_times.extend(ours)
        ratios.append(lo / statistics.median(ours))
    return lo_times, cchc_times, ratios


def main() -> None:
    document = setup_document()
    first = render_and_sign(document)
    pages = page_count(first)
    for _ in range(5):
        render_and_sign(document)

    timings = []
    for _ in range(30):
        start = time.perf_counter()
        render_and_sign(document)
        timings.append((time.perf_counter() - start) * 1000)
    median = statistics.median(timings)

    start = time.perf_counter()
    for _ in range(100):
        render_and_sign(document)
    batch_seconds = time.perf_counter() - start

    baseline_rss = rss_mb()
    peak_rss = baseline_rss
    for _ in range(500):
        render_and_sign(document)
        peak_rss = max(peak_rss, rss_mb())
    growth = peak_rss - baseline_rss

    print(f"Seed-000 notice: {pages} pages, {len(first) / 1024:.0f} KiB signed")
    print(f"cchc render + sign, warm: median {median:.0f} ms (p95 {sorted(timings)[28]:.0f} ms, 30 runs)")
    print(f"Batch of 100: {batch_seconds:.1f} s, {100 / batch_seconds:.1f} notices/s")
    memory = f"{baseline_rss:.0f} MB after warm-up, peak {peak_rss:.0f} MB"
    print(f"Memory over 500 renders: {memory}, growth {growth:.1f} MB")

    side_by_side = interleaved_ratio(document, rounds=7, renders=10)
    if side_by_side is None:
        print("LibreOffice: not installed (make bench-documents installs it); no ratio printed.")
        ratio = None
    else:
        lo_times, cchc_times, ratios = side_by_side
        ratio = statistics.median(ratios)
        print(
            "Side by side, 7 rounds of 1 LibreOffice headless HTML → PDF (unsigned) and 10 cchc "
            "render + sign:"
        )
        print(
            f"  LibreOffice median {statistics.median(lo_times):.0f} ms, "
            f"cchc median {statistics.median(cchc_times):.0f} ms"
        )
        print(
            f"Ratio: cchc is {ratio:.1f}× faster than LibreOffice "
            f"(median of the rounds; rounds {min(ratios):.1f}×–{max(ratios):.1f}×)"
        )
    verdict = [
        ("under 300 ms warm", median < 300),
        ("memory growth under 50 MB", growth < 50),
    ]
    if ratio is not None:
        verdict.append(("at least 5× faster than LibreOffice", ratio >= 5))
    for label, ok in verdict:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
