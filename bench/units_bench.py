"""Benchmark of loading the official units (issue 17): all 34 provinces with
their pre-2025 trees, the successions between them and their default bodies.

Run with one command (PostgreSQL, a database of its own):

    make bench-units

or ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_units
.venv/bin/python bench/units_bench.py``. It migrates the database, empties
the unit tables (this database is the benchmark's), then prints, in one run:

- the baseline: reading and reconciling the two packages' lists alone;
- the first load of the whole national list, and its ratio to the baseline;
- a second load, which must change nothing (same counts, ``changed == 0``).

Target: the first load under 60 s on the 2-core machine; exits non-zero if
it is slower or if the second load changed anything.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

TARGET_S = 60.0


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cchc.models import Unit, UnitSuccession
    from cchc.unit_lists import read_national_list
    from cchc.unit_loader import load_official_units

    if connection.vendor != "postgresql":
        print("This benchmark runs on PostgreSQL: set DATABASE_URL (see make bench-units).")
        return 2
    call_command("migrate", verbosity=0)
    tables = [model._meta.db_table for model in (UnitSuccession, Unit)]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")

    started = time.perf_counter()
    national = read_national_list()
    baseline = time.perf_counter() - started
    print(f"Lists: {national.version}")
    print(
        f"  {len(national.provinces)} provinces, {len(national.communes)} communes today; "
        f"{len(national.former_provinces)} provinces, {len(national.former_districts)} districts, "
        f"{len(national.former_communes)} communes before 1/7/2025; {len(national.links)} successions; "
        f"{len(national.problems)} problems left out"
    )
    print(f"Baseline (read and reconcile the lists): {baseline:.2f} s")

    started = time.perf_counter()
    load_official_units(national=national)
    first_s = time.perf_counter() - started
    counts = (Unit.objects.count(), UnitSuccession.objects.count())
    print(
        f"First load, 34 provinces: {first_s:.2f} s ({first_s / baseline:.1f}x the baseline); "
        f"{counts[0]} units, {counts[1]} successions"
    )

    started = time.perf_counter()
    second = load_official_units(national=national)
    second_s = time.perf_counter() - started
    same = counts == (Unit.objects.count(), UnitSuccession.objects.count())
    print(
        f"Second load: {second_s:.2f} s ({second_s / baseline:.1f}x the baseline); "
        f"changed {second.changed}; counts unchanged: {same}"
    )
    ok = first_s < TARGET_S and second.changed == 0 and same
    print(f"Target: first load under {TARGET_S:.0f} s, second changes nothing: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
