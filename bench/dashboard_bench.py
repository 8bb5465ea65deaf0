"""Benchmark of the leaders' dashboards (issue 7) on the national data set.

Run with one command (PostgreSQL; the data set is generated on the first
run, about five minutes on two cores):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_dash .venv/bin/python bench/dashboard_bench.py

It migrates the database, runs ``generate_demo_data --scale national`` if
the generated data is not there yet, then, for a province leader (the
leader of the largest merged province) and for the national view (a
superuser), requests each dashboard page through Django's full stack
(middleware, session, scope checks, aggregates, template) and prints, in
the same run:

- server time per page: median and 95th percentile over the requests;
- the number of queries of each page (the same on every request);
- the time PostgreSQL alone takes for the same queries: the sum of the
  "Execution Time" and "Planning Time" that EXPLAIN ANALYZE reports for
  each query of the page (median over repetitions), and the share of the
  server time it makes.

Targets: 95th percentile under 300 ms for a province, under 1 s for the
nation (2-core machine).

Options: ``--requests N`` (default 30 per page), ``--year Y`` (default
last year: a full year, with the 2025 mergers when run in 2026),
``--mode current|history``.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CCHC_ALLOW_DEMO_DATA", "1")

PAGES = ("overview", "findings", "units", "trends")
TARGETS_MS = {"province": 300, "national": 1000}


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def setup_data():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL (see the docstring).")
    call_command("migrate", verbosity=0)
    from demo.generator import already_generated

    if not already_generated():
        print("Generating the national data set (generate_demo_data --scale national)...", flush=True)
        started = time.monotonic()
        call_command("generate_demo_data", scale="national", verbosity=0)
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    # Planner statistics as a running database has them (autovacuum may not
    # have visited freshly loaded tables yet).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def personas():
    from django.db.models import Count

    from cchc.models import Membership, Unit, User

    # The leader of the province formed from the most old provinces: the
    # largest area, and the most units that ended into it.
    merged = (
        Unit.objects.filter(code__startswith="G-", parent__isnull=True, valid_to__isnull=True)
        .annotate(predecessors=Count("successions_in"))
        .order_by("-predecessors", "path")
        .first()
    )
    leader = Membership.objects.filter(unit=merged, role="leader").select_related("user").first().user
    national = User.objects.filter(username="quantri.national").first()
    return [("province", leader, merged), ("national", national, None)]


def capture(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost")
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000, [query["sql"] for query in queries.captured_queries]


def postgres_time(statements, repeats=5):
    """Milliseconds PostgreSQL spends planning and executing ``statements``
    (EXPLAIN ANALYZE, JIT off as in the dashboards), median of ``repeats``;
    and the same for the aggregate queries alone."""
    from django.db import connection, transaction

    totals, aggregates = [], []
    for _ in range(repeats):
        total = aggregate = 0.0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            for sql in statements:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                spent = plan["Execution Time"] + plan["Planning Time"]
                total += spent
                if "COUNT(" in sql or "SUM(" in sql:
                    aggregate += spent
        totals.append(total)
        aggregates.append(aggregate)
    return statistics.median(totals), statistics.median(aggregates)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--year", type=int)
    parser.add_argument("--mode", choices=["current", "history"], default="current")
    args = parser.parse_args()

    setup_data()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from cchc.models import Unit
    from dashboards.rollup import rollup_refresh

    rollup_refresh()
    year = args.year or timezone.localdate().year - 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM indicators_indicatorvalue")
        values = cursor.fetchone()[0]
    print(
        f"\nData: {Unit.objects.count():,} units, {values:,} indicator values. "
        f"Year {year}, {args.mode} units, {args.requests} requests per page (after 3 warm-up).\n"
    )
    header = (
        f"{'dashboard':<10} {'page':<22} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
        f"{'PG ms':>7} {'PG aggr ms':>10} {'PG share':>9}"
    )
    print(header)
    print("-" * len(header))
    verdicts = []
    for label, user, root in personas():
        client = Client()
        client.force_login(user)
        pages = [(page, f"/dashboards/{'' if page == 'overview' else page + '/'}") for page in PAGES]
        if root is not None:
            # A drill-down: a commune of the province (its scope is checked).
            commune = Unit.objects.filter(parent=root, kind="commune").order_by("path").first()
            pages.append(("units (drill into xã)", f"/dashboards/units/?unit={commune.pk}"))
        all_times = []
        for page, path in pages:
            joiner = "&" if "?" in path else "?"
            url = f"{path}{joiner}year={year}&mode={args.mode}"
            for _ in range(3):
                capture(client, url)
            times, counts, statements = [], set(), []
            for _ in range(args.requests):
                elapsed, statements = capture(client, url)
                times.append(elapsed)
                counts.add(len(statements))
            pg_total, pg_aggregates = postgres_time(statements)
            median = statistics.median(times)
            p95 = percentile(times, 0.95)
            all_times.extend(times)
            print(
                f"{label:<10} {page:<22} {median:>10.0f} {p95:>8.0f} {'/'.join(map(str, sorted(counts))):>8} "
                f"{pg_total:>7.0f} {pg_aggregates:>10.0f} {pg_total / median:>8.0%}"
            )
        p95_all = percentile(all_times, 0.95)
        target = TARGETS_MS[label]
        verdicts.append((label, statistics.median(all_times), p95_all, target))
    print()
    for label, median, p95, target in verdicts:
        status = "OK" if p95 < target else "OVER TARGET"
        print(
            f"{label} dashboard, all pages: median {median:.0f} ms, p95 {p95:.0f} ms "
            f"(target p95 < {target} ms): {status}"
        )


if __name__ == "__main__":
    main()
