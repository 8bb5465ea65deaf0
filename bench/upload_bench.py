"""Benchmark: what a hostile workbook costs before it is refused.

    .venv/bin/python bench/upload_bench.py [--rows 400000] [--units 200]

Builds, in the same run:

- the cell bomb of issue 15: an .xlsx of ``--rows`` rows (about 8 MB for
  400,000), which passes every zip check;
- a zip bomb: an .xlsx whose sheet part inflates a thousandfold;
- a normal province workbook: a sheet per unit (``--units``) in the official
  layout, 40 indicators x 6 periods;

then, each in a fresh child process (so that its peak memory is its own),
times the refusal of each bomb by the indicator reader with the row bound a
province's import gets (``--max-rows``, the default of
``CCHC_INDICATOR_IMPORT_MAX_ROWS``; a unit's bound is far smaller), and the
time to read every cell of the normal workbook through the same reader;
prints seconds and the child's peak resident memory (VmHWM: Python,
Django's settings, the reader and the work), and what the work added over
the child's memory before it. Targets: each refusal under 1 s with a peak
under 100 MB. It is not a test: it prints
figures.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS_TARGET = 1.0
MEGABYTES_TARGET = 100.0


def cell_bomb(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tổng hợp")
    for number in range(rows):
        sheet.append([number, "Chỉ tiêu", number % 97, number % 89])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb(megabytes: int = 90) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "x"
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename == "xl/worksheets/sheet1.xml":
                body = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                body += b" " * (megabytes * 1024 * 1024) + b"</sheetData></worksheet>"
                target.writestr(entry.filename, body)
            else:
                target.writestr(entry.filename, source.read(entry))
    return out.getvalue()


def province_workbook(units: int, indicators: int = 40, periods: int = 6) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for unit in range(units):
        sheet = book.create_sheet(f"DV{unit:03d}")
        sheet.append(["Phụ lục 03:"])
        sheet.append(["Thống kê các chỉ tiêu"])
        sheet.append([f"Mã đơn vị: DV{unit:03d}"])
        sheet.append(["STT", "Chỉ tiêu", "Giai đoạn 2015 - 2020"])
        sheet.append(["", "", *[f"Năm {2015 + p}" for p in range(periods)]])
        for number in range(1, indicators + 1):
            sheet.append(
                [f"{number}", f"Chỉ tiêu số {number}", *[(unit + number + p) % 50 for p in range(periods)]]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the child: one measurement -------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def _peak_mb() -> float:
    """The process's own peak resident memory (VmHWM). ``ru_maxrss`` would
    carry the parent's peak over the fork and exec that started it."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(task: str, path: str, max_rows: int) -> None:
    """One measurement, in a process that loads only what the reader needs
    (Django's settings and translations, no app, no database): its whole
    peak is the refusal's, plus Python and the reader's libraries."""
    import django
    from django.conf import settings

    settings.configure(USE_I18N=True, LANGUAGE_CODE="vi", INSTALLED_APPS=[], CCHC_UPLOAD_MAX_FILE_MB=20)
    django.setup()
    from indicators.xlsx import WorkbookError, iter_sheets, open_workbook

    data = Path(path).read_bytes()
    before = _rss_mb()
    start = time.perf_counter()
    outcome = ""
    try:
        workbook = open_workbook(data, max_rows=max_rows)
        cells = 0
        for sheet in iter_sheets(workbook):
            for _number, values in sheet.rows:
                cells += len(values)
        workbook.close()
        outcome = f"read {cells} cells"
    except WorkbookError as error:
        outcome = f"refused: {error}"
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    print(
        json.dumps(
            {"task": task, "seconds": seconds, "peak_mb": peak, "before_mb": before, "outcome": outcome}
        )
    )


def measure(task: str, data: bytes, max_rows: int, runs: int = 3) -> dict:
    """The median run of ``runs`` (the machine may be shared)."""
    found = sorted((_measure_once(task, data, max_rows) for _ in range(runs)), key=lambda r: r["seconds"])
    return found[len(found) // 2]


def _measure_once(task: str, data: bytes, max_rows: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        done = subprocess.run(
            [sys.executable, __file__, "--child", task, handle.name, "--max-rows", str(max_rows)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument(
        "--max-rows", type=int, default=100_000, help="the bound (CCHC_INDICATOR_IMPORT_MAX_ROWS)"
    )
    parser.add_argument("--child", nargs=2)
    options = parser.parse_args()
    if options.child:
        child(*options.child, options.max_rows)
        return 0

    print("Building the files...", flush=True)
    files = {
        "cell bomb": cell_bomb(options.rows),
        "zip bomb": zip_bomb(),
        "province workbook": province_workbook(options.units),
    }
    results = {name: measure(name, data, options.max_rows) for name, data in files.items()}
    baseline = results["province workbook"]["seconds"]
    print()
    print(f"{'file':<20} {'size':>9} {'seconds':>8} {'x read':>7} {'peak MB':>8} {'added MB':>9}  outcome")
    failed = False
    for name, data in files.items():
        found = results[name]
        added = found["peak_mb"] - found["before_mb"]
        print(
            f"{name:<20} {len(data) / 1024 / 1024:>7.1f}MB {found['seconds']:>8.3f} "
            f"{found['seconds'] / baseline:>7.2f} {found['peak_mb']:>8.0f} {added:>9.0f}  "
            f"{found['outcome'][:70]}"
        )
        if name != "province workbook":
            refused = found["outcome"].startswith("refused")
            if not refused or found["seconds"] >= SECONDS_TARGET or found["peak_mb"] >= MEGABYTES_TARGET:
                failed = True
    print()
    print(
        f"Targets: each bomb refused in under {SECONDS_TARGET:.0f} s with a peak under "
        f"{MEGABYTES_TARGET:.0f} MB for the whole child process (median of 3): "
        f"{'MISSED' if failed else 'met'}."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
