"""Benchmark: import and export a province-wide indicator workbook.

    .venv/bin/python bench/indicators_bench.py [--units 200] [--indicators 40] [--periods 6]

Builds a workbook in the official layout with one sheet per unit (200 units ×
40 indicators × 6 periods by default: title rows, the merged period header,
counts, fractions, "/", values by level and text), then times, in the same
run:

- openpyxl alone reading every value of the file (the baseline);
- the import's check (a dry run: read, match, validate, roll back);
- the import itself (read, match, validate, write, in one transaction);
- the same file imported again (it must change nothing);
- the export of the province (a sheet per unit and the summary sheet).

and prints each time beside the baseline, with the new reader's (calamine)
read time; then the same workbook saved as .xls (Excel 97-2003), read by
calamine and imported, beside the same openpyxl baseline (openpyxl cannot
read .xls). Targets: each import (.xlsx and .xls) no longer than openpyxl
alone takes to read the .xlsx (≤ 1.0 ×) and under 20 s; export under 10 s.

With ``DATABASE_URL`` set it runs on that (migrated) database inside a
transaction it rolls back; otherwise on a throwaway SQLite database in a
temporary folder, migrated first. It is not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import atexit
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IMPORT_RATIO_TARGET = 1.0
IMPORT_SECONDS_TARGET = 20.0
EXPORT_SECONDS_TARGET = 10.0


def _setup_django() -> bool:
    """Configure Django; True when the database is a throwaway one."""
    throwaway = not os.environ.get("DATABASE_URL")
    if throwaway:
        folder = tempfile.mkdtemp(prefix="cchc-bench-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ["CCHC_VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if throwaway:
        call_command("migrate", verbosity=0)
    else:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            sys.exit("The database in DATABASE_URL is not migrated: run manage.py migrate first.")
    return throwaway


def _catalogue(n: int):
    """A template of ``n`` indicators: top-level counts with children that
    mix counts, fractions (numerator within denominator), values by level
    and text, like Phụ lục 03 and 07."""
    from indicators.choices import Rollup, ValueKind
    from indicators.models import Indicator, IndicatorTemplate

    template = IndicatorTemplate.objects.create(
        code="BENCH",
        valid_from_year=2015,
        short_name="Phụ lục thử",
        title="Thống kê các chỉ tiêu dùng để đo thời gian nhập, xuất số liệu",
        position=99,
    )
    indicators = []
    parent = None
    for index in range(n):
        if index % 5 == 0:
            number = str(index // 5 + 1)
            kind, rollup = ValueKind.COUNT, Rollup.SUM
            parent = None
        else:
            number = f"{index // 5 + 1}.{index % 5}"
            kind = [ValueKind.COUNT, ValueKind.FRACTION, ValueKind.COUNT, ValueKind.FRACTION][index % 5 - 1]
            if index % 20 == 19:
                kind = ValueKind.LEVELS
            if index % 40 == 18:
                kind = ValueKind.TEXT
            rollup = {ValueKind.FRACTION: Rollup.RATIO, ValueKind.TEXT: Rollup.NONE}.get(kind, Rollup.SUM)
        indicator = Indicator.objects.create(
            template=template,
            number=number,
            parent=parent,
            name=f"Chỉ tiêu thử số {number}: số lượng thủ tục hành chính, hồ sơ tiếp nhận và giải quyết",
            value_kind=kind,
            rollup=rollup,
            numerator_within_denominator=kind == ValueKind.FRACTION,
            within_parent=parent is not None and kind == ValueKind.COUNT,
            levels=["H", "X"] if kind == ValueKind.LEVELS else [],
            position=index + 1,
        )
        if parent is None:
            parent = indicator
        indicators.append(indicator)
    return template, indicators


def _units(count: int):
    from cchc.choices import UnitKind
    from cchc.services import unit_create

    province = unit_create(name="Ủy ban nhân dân tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE, code="BENCH-00")
    units = [
        unit_create(
            name=f"Ủy ban nhân dân huyện Thử Nghiệm số {n}",
            short_name=f"UBND huyện Thử Nghiệm số {n}",
            kind=UnitKind.DISTRICT,
            parent=province,
            code=f"B{n:04d}",
        )
        for n in range(1, count + 1)
    ]
    return province, units


def _cell(indicator, rng: random.Random):
    from indicators.choices import ValueKind

    roll = rng.random()
    if roll < 0.05:
        return "/"
    if indicator.value_kind == ValueKind.COUNT:
        return rng.randint(0, 300) if indicator.parent_id else rng.randint(300, 20000)
    if indicator.value_kind == ValueKind.FRACTION:
        total = rng.randint(100, 20000)
        # One in a hundred breaks its rule, as real tables do (2717/2700).
        done = total + rng.randint(1, 50) if roll > 0.99 else rng.randint(0, total)
        return f"{done}/{total}"
    if indicator.value_kind == ValueKind.LEVELS:
        return f"H:{rng.randint(50, 150)} X:{rng.randint(100, 300)}"
    return "02 nhóm (Đất đai, Chính sách xã hội)"


def _workbook(units, template, indicators, periods: int) -> bytes:
    """The province's workbook as offices fill it: a sheet per unit, named by
    the unit's code."""
    from openpyxl import Workbook

    rng = random.Random(2020)
    headers = [f"Năm {2015 + n}" for n in range(periods - 1)] + [f"Năm {2014 + periods} (Tính đến 31/3)"]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for unit in units:
        sheet = workbook.create_sheet(unit.code)
        sheet.append([f"{template.short_name}:"])
        sheet.append([template.title])
        sheet.append([unit.name])
        sheet.append([])
        sheet.append(["STT", "Chỉ tiêu", f"Giai đoạn 2015 - {2014 + periods}"])
        sheet.append([None, None, *headers])
        sheet.merge_cells(start_row=5, start_column=3, end_row=5, end_column=2 + periods)
        for indicator in indicators:
            sheet.append([f"{indicator.number}.", indicator.name, *[_cell(indicator, rng) for _ in headers]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import_and_check_constraints(data: bytes, province):
    """The import, and the foreign-key checks its commit would run (they are
    deferred to the end of the transaction, which the benchmark rolls back)."""
    from django.db import connection

    from indicators.services import import_workbook

    outcome = import_workbook(source=data, default_unit=province, dry_run=False, acknowledge=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_check(indicators_indicatorvalue)")
            assert not cursor.fetchall()
    return outcome


def read_workbook_values(source) -> int:
    """openpyxl alone, reading every value of every sheet: the baseline the
    imports are compared with. Returns the number of values."""
    from openpyxl import load_workbook

    workbook = load_workbook(source, read_only=True, data_only=True, keep_links=False)
    count = 0
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows(values_only=True):
            count += sum(1 for value in row if value is not None)
    workbook.close()
    return count


def read_with_calamine(source: bytes) -> int:
    """The new reader, checks included, reading every value of every sheet."""
    from indicators.xlsx import iter_sheets, open_workbook

    workbook = open_workbook(source)
    count = sum(len(values) for sheet in iter_sheets(workbook) for _row, values in sheet.rows)
    workbook.close()
    return count


def _as_xls(data: bytes) -> bytes:
    from openpyxl import load_workbook

    from tests.indicators.formats import as_xls

    return as_xls(load_workbook(io.BytesIO(data)))


def _export(units, first: int, last: int, root) -> bytes:
    """The province's workbook, its tables read as the export view reads them."""
    from indicators.exports import export_workbook
    from indicators.selectors import tables_for_export

    tables = tables_for_export(units=units, first=first, last=last)
    return export_workbook(units=units, tables=tables, first=first, last=last, root=root)


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--periods", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3, help="reads and imports timed in turn (medians)")
    options = parser.parse_args()

    throwaway = _setup_django()
    from django.conf import settings

    # As in production: no SQL logging (the embedded default runs with DEBUG,
    # which keeps and formats every query).
    settings.DEBUG = False
    from django.db import connection, transaction

    from indicators.models import IndicatorValue
    from indicators.services import import_workbook

    database = (
        "throwaway SQLite" if throwaway else f"{connection.vendor} ({settings.DATABASES['default']['NAME']})"
    )
    print(f"cchc indicators benchmark · database: {database}")
    print(
        f"workbook: {options.units} units × {options.indicators} indicators × {options.periods} periods "
        f"= {options.units * options.indicators * options.periods} cells"
    )
    failures = []
    with transaction.atomic():
        province, units = _units(options.units)
        template, indicators = _catalogue(options.indicators)
        build, data = _timed(_workbook, units, template, indicators, options.periods)
        print(f"built the workbook in {build:.2f} s ({len(data) / 1024:.0f} KB)\n")

        # Read and import in turns, so that a busy machine slows both alike;
        # each import but the last is rolled back. Medians are reported.
        xls = _as_xls(data)
        reads, checks, imports, fast_reads, xls_reads, xls_imports = [], [], [], [], [], []
        for round_ in range(options.rounds):
            seconds, values = _timed(read_workbook_values, io.BytesIO(data))
            reads.append(seconds)
            fast_reads.append(_timed(read_with_calamine, data)[0])
            xls_reads.append(_timed(read_with_calamine, xls)[0])
            with transaction.atomic():
                seconds, xls_outcome = _timed(_import_and_check_constraints, xls, province)
                xls_imports.append(seconds)
                assert xls_outcome.applied, xls_outcome.problems[:5]
                transaction.set_rollback(True)
            seconds, preview = _timed(import_workbook, source=data, default_unit=province, dry_run=True)
            checks.append(seconds)
            assert preview.ok, preview.problems[:5]
            with transaction.atomic():
                seconds, outcome = _timed(_import_and_check_constraints, data, province)
                imports.append(seconds)
                if round_ < options.rounds - 1:
                    transaction.set_rollback(True)
        read, check, imported_seconds = (statistics.median(x) for x in (reads, checks, imports))
        fast_read, xls_read, xls_import = (statistics.median(x) for x in (fast_reads, xls_reads, xls_imports))
        assert outcome.applied, outcome.problems[:5]
        stored = IndicatorValue.objects.filter(indicator__template=template).count()
        again_seconds, again = _timed(
            import_workbook, source=data, default_unit=province, dry_run=False, acknowledge=True
        )
        assert again.applied and again.totals["cells_new"] == again.totals["cells_changed"] == 0
        export_seconds, exported = _timed(
            _export, [province, *units], first=2015, last=2014 + options.periods, root=province
        )

        def line(label, seconds, note=""):
            print(f"  {label:<46} {seconds:7.2f} s   {seconds / read:5.2f} × read   {note}")

        print(
            f"  {'openpyxl alone reads every value':<46} {read:7.2f} s   {1:5.2f} × read   ({values} values)"
        )
        line("new reader (calamine + checks) reads .xlsx", fast_read)
        line("check (dry run, rolled back)", check, f"{len(preview.warnings)} warnings to acknowledge")
        line(
            "import (one transaction, with its FK checks)",
            imported_seconds,
            f"{outcome.totals['tables']} tables, {stored} cells stored",
        )
        line("import the same file again", again_seconds, "changes nothing")
        line(f".xls: new reader reads it ({len(xls) / 1024:.0f} KB)", xls_read)
        line(".xls: import (one transaction, with its FK checks)", xls_import)
        line("export the province (xlsx)", export_seconds, f"{len(exported) / 1024:.0f} KB")

        def seconds_list(values):
            return ", ".join(f"{value:.2f}" for value in values)

        print(
            f"  (medians of {options.rounds} rounds: reads {seconds_list(reads)} s; "
            f"checks {seconds_list(checks)} s; imports {seconds_list(imports)} s)"
        )

        ratio = imported_seconds / read
        if ratio > IMPORT_RATIO_TARGET:
            failures.append(f"import is {ratio:.2f} × the read time (target ≤ {IMPORT_RATIO_TARGET})")
        if xls_import / read > IMPORT_RATIO_TARGET:
            failures.append(
                f".xls import is {xls_import / read:.2f} × the read time (target ≤ {IMPORT_RATIO_TARGET})"
            )
        if imported_seconds > IMPORT_SECONDS_TARGET:
            failures.append(f"import took {imported_seconds:.1f} s (target < {IMPORT_SECONDS_TARGET} s)")
        if export_seconds > EXPORT_SECONDS_TARGET:
            failures.append(f"export took {export_seconds:.1f} s (target < {EXPORT_SECONDS_TARGET} s)")
        transaction.set_rollback(True)

    print()
    print(
        f"targets: import ≤ {IMPORT_RATIO_TARGET} × read and < {IMPORT_SECONDS_TARGET} s; "
        f"export < {EXPORT_SECONDS_TARGET} s"
    )
    if failures:
        for failure in failures:
            print(f"MISSED: {failure}")
        return 1
    print(
        f"met: import {ratio:.2f} × read ({imported_seconds:.2f} s), "
        f".xls import {xls_import / read:.2f} × read "
        f"({xls_import:.2f} s), export {export_seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
