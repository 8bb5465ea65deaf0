"""Benchmark of the PAR index computation (issue 14) at national size:
3,321 communes on a set of about 100 sub-criteria.

Run with one command (PostgreSQL, a database of its own):

    make bench-par

or ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_parbench
.venv/bin/python bench/par_bench.py``. It migrates the database and, on the
first run only, builds the data (kept for the next runs): a province of
3,321 communes, an issued set of 8 self-assessed areas (96 sub-criteria of
every method, some not applicable), a survey area (2 criteria) and a bonus
and a penalty, and a locked cycle whose items carry self scores, round 1
and round 2 differences and survey points (a few communes without). Then it
prints, in one run:

- the baseline: a bare read of every item score the computation reads
  (the same columns, streamed);
- ``cycle_results_compute`` on the whole cycle: every index, class and rank,
  written in bulk; its ratio to the baseline and its query count;
- a check that every commune has a result and the ranks run from 1.

Target: the computation under 10 s on the 2-core machine; exits non-zero if
it is slower or a result is missing.
"""

import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

TARGET_S = 10.0
COMMUNES = 3321
PROVINCE_CODE = "PARBENCH"
SET_NAME = "Bộ tiêu chí quy mô toàn quốc (benchmark)"


def _nodes():
    """8 areas × 4 criteria × 3 sub-criteria = 96 scored leaves of every
    method, a survey area of 2 criteria, a bonus and a penalty: 100 + 2."""
    from par.services import NodeSpec

    levels = {
        "levels": [
            {"label": "Đúng hạn", "points": "1"},
            {"label": "Muộn", "points": "0.5"},
            {"label": "Không", "points": "0"},
        ]
    }
    bands = {
        "bands": [
            {"min": "90", "min_inclusive": False, "max": "100", "max_inclusive": True, "points": "1"},
            {"min": "70", "min_inclusive": True, "max": "90", "max_inclusive": True, "points": "0.5"},
            {"min": "0", "min_inclusive": True, "max": "70", "max_inclusive": False, "points": "0"},
        ]
    }
    methods = [
        ("yes_no", {}, "zero"),
        ("levels", levels, "zero"),
        ("pct_bands", bands, "full"),
        ("ratio", {}, "exclude"),
    ]
    specs = []
    for area in range(1, 9):
        specs.append(NodeSpec(str(area), f"Lĩnh vực {area}", 1, Decimal("12")))
        for criterion in range(1, 5):
            specs.append(NodeSpec(f"{area}.{criterion}", f"Tiêu chí {area}.{criterion}", 2, Decimal("3")))
            for sub in range(1, 4):
                method, params, na = methods[(criterion + sub) % 4]
                specs.append(
                    NodeSpec(
                        f"{area}.{criterion}.{sub}",
                        f"Tiêu chí thành phần {area}.{criterion}.{sub}",
                        3,
                        Decimal("1"),
                        method=method,
                        params=params,
                        na_policy=na,
                    )
                )
    specs.append(NodeSpec("9", "Điều tra xã hội học", 1, Decimal("4")))
    specs.append(
        NodeSpec("9.1", "Hài lòng của người dân", 2, Decimal("2"), assessment="survey", method="points")
    )
    specs.append(
        NodeSpec("9.2", "Đánh giá của cán bộ", 2, Decimal("2"), assessment="survey", method="points")
    )
    specs.append(NodeSpec("10", "Điểm thưởng, điểm trừ", 1, Decimal("0")))
    specs.append(NodeSpec("10.1", "Sáng kiến", 2, Decimal("2"), method="bonus"))
    specs.append(NodeSpec("10.2", "Bị phê bình", 2, Decimal("2"), method="penalty"))
    return specs


def _build():
    """The province, its communes, the set and a locked cycle with every
    item scored (bulk writes; once)."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from cchc.choices import UnitKind
    from cchc.models import Unit
    from cchc.services import unit_create
    from cchc.text import fold
    from par import scoring
    from par.choices import CycleStatus, ScorecardStatus
    from par.models import Cycle, ItemScore, Scorecard, SurveyResult
    from par.services import (
        BandSpec,
        criteria_set_create,
        criteria_set_issue,
        criteria_set_replace_tree,
        cycle_create,
        scored_leaves,
        survey_nodes,
    )

    started = time.perf_counter()
    province = unit_create(
        name="Tỉnh quy mô toàn quốc (benchmark)",
        short_name="Benchmark",
        kind=UnitKind.PROVINCE,
        code=PROVINCE_CODE,
    )
    names = [f"Ủy ban nhân dân xã Benchmark {number:04d}" for number in range(1, COMMUNES + 1)]
    Unit.objects.bulk_create(
        Unit(
            name=name,
            short_name=name.replace("Ủy ban nhân dân", "UBND"),
            kind=UnitKind.COMMUNE,
            parent=province,
            code=f"PB{number:05d}",
            path="",
            search_key=fold(name),
        )
        for number, name in enumerate(names, start=1)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cchc_unit SET path = %s || id || '/' WHERE parent_id = %s", [province.path, province.pk]
        )
    criteria_set = criteria_set_create(
        province=province,
        year=2025,
        unit_group="communes",
        name=SET_NAME,
        user=None,
        total_points=Decimal("100"),
    )
    criteria_set_replace_tree(
        criteria_set=criteria_set,
        nodes=_nodes(),
        bands=[
            BandSpec("Xuất sắc", Decimal("90"), True, None, False),
            BandSpec("Tốt", Decimal("80"), True, Decimal("90"), False),
            BandSpec("Khá", Decimal("70"), True, Decimal("80"), False),
            BandSpec("Trung bình", Decimal("0"), True, Decimal("70"), False),
        ],
    )
    criteria_set = criteria_set_issue(
        criteria_set=criteria_set,
        decision_number="1/QĐ-BENCH",
        decision_date=datetime.date(2025, 9, 1),
        user=None,
    )
    day = datetime.date(2025, 12, 15)
    cycle = cycle_create(
        province=province,
        criteria_set=criteria_set,
        name="Đợt đánh giá quy mô toàn quốc (benchmark)",
        self_assessment_due=day,
        round1_due=day,
        explanation_due=day,
        round2_due=day,
        publication_due=day,
        user=None,
        empty_items=False,
    )
    nodes = {node.pk: node for node in criteria_set.nodes.all()}
    leaves = [nodes[pk] for pk in scored_leaves(criteria_set)]
    rng = random.Random(14)
    cards = list(Scorecard.objects.filter(cycle=cycle))
    now = timezone.now()
    batch = []
    written = 0
    for card in cards:
        for node in leaves:
            item = ItemScore(scorecard=card, node=node)
            if node.na_policy != "zero" and rng.random() < 0.05:
                item.not_applicable, item.na_reason = True, "Không phát sinh."
            else:
                allowed = scoring.allowed_points(node.method, node.params, node.max_points)
                if allowed is None:
                    item.self_score = (node.max_points * Decimal(rng.randint(0, 100)) / 100).quantize(
                        Decimal("0.0001")
                    )
                else:
                    item.self_score = rng.choice(allowed + [max(allowed)] * 4)
                if item.self_score and rng.random() < 0.1:
                    item.round1_score, item.round1_reason = Decimal(0), "Thiếu tài liệu kiểm chứng."
                    if rng.random() < 0.4:
                        item.round2_score, item.round2_reason = item.self_score, "Chấp nhận giải trình."
            batch.append(item)
        if len(batch) >= 20000:
            ItemScore.objects.bulk_create(batch, batch_size=5000)
            written += len(batch)
            batch = []
    ItemScore.objects.bulk_create(batch, batch_size=5000)
    written += len(batch)
    Scorecard.objects.filter(cycle=cycle).update(
        status=ScorecardStatus.LOCKED, submitted_at=now, locked_at=now
    )
    survey = survey_nodes(cycle)
    SurveyResult.objects.bulk_create(
        (
            SurveyResult(
                cycle=cycle, unit_id=card.unit_id, node=node, points=Decimal(rng.randint(100, 200)) / 100
            )
            for index, card in enumerate(cards)
            if index % 500
            for node in survey
        ),
        batch_size=5000,
    )
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.LOCKED)
    print(
        f"Built once: {len(cards)} communes, {written} item scores in {time.perf_counter() - started:.1f} s"
    )
    return cycle


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from par.models import Cycle, ItemScore, Result
    from par.services import cycle_results_compute

    if connection.vendor != "postgresql":
        print("This benchmark runs on PostgreSQL: set DATABASE_URL (see make bench-par).")
        return 2
    call_command("migrate", verbosity=0)
    cycle = Cycle.objects.filter(criteria_set__name=SET_NAME).first()
    if cycle is None or cycle.scorecards.count() != COMMUNES:
        if cycle is not None:
            print("The benchmark data is incomplete: drop the database and run again.")
            return 2
        cycle = _build()
    items = ItemScore.objects.filter(scorecard__cycle=cycle)
    leaves = cycle.criteria_set.nodes.filter(children__isnull=True).count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    started = time.perf_counter()
    rows = 0
    for _row in (
        items.order_by("scorecard_id")
        .values_list(
            "scorecard_id", "node_id", "self_score", "round1_score", "round2_score", "not_applicable"
        )
        .iterator(chunk_size=20000)
    ):
        rows += 1
    baseline = time.perf_counter() - started
    print(f"Cycle: {cycle.scorecards.count()} communes, {leaves} leaf criteria, {rows} item scores")
    print(f"Baseline (read every item score the computation reads): {baseline:.2f} s")

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        count = cycle_results_compute(cycle=cycle)
        elapsed = time.perf_counter() - started
    print(
        f"cycle_results_compute: {elapsed:.2f} s ({elapsed / baseline:.1f}x the baseline), "
        f"{count} results, {len(queries)} queries"
    )
    results = Result.objects.filter(cycle=cycle)
    ranks = sorted(results.exclude(rank=None).values_list("rank", flat=True))
    provisional = results.filter(provisional=True).count()
    best = results.order_by("rank").first()
    print(
        f"Ranks {ranks[0]}–{ranks[-1]}; best {best.unit} at {best.index_display} % ({best.band}); "
        f"{provisional} provisional (no survey points)"
    )
    ok = count == COMMUNES and ranks[0] == 1 and elapsed < TARGET_S
    print(f"Target under {TARGET_S:.0f} s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
