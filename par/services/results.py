"""A cycle's results: every unit's index, band and rank, computed in bulk.

A handful of queries whatever the number of units (the set, the bands, the
units, the scorecards, one streamed read of every item score, the survey
points), the engine (``par.scoring``) in memory, and bulk writes. The
result of a unit is provisional while its scorecard is not locked or, in a
cycle that holds a survey, while survey points are missing."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .. import scoring
from ..choices import ScorecardStatus
from ..models import Band, CriteriaNode, Cycle, CycleUnit, ItemScore, Result, Scorecard, SurveyResult

#: Places the stored index keeps (``Result.index``); ranking uses the
#: unrounded value computed in memory.
INDEX_PLACES = Decimal("1e-10")
SCORE_PLACES = Decimal("1e-4")


def cycle_tree(cycle: Cycle) -> scoring.Tree:
    """The engine's tree of a cycle's set (one query)."""
    criteria_set = cycle.criteria_set
    nodes = [
        scoring.Node(pk, parent, code, level, max_points, assessment, method, na_policy)
        for pk, parent, code, level, max_points, assessment, method, na_policy in CriteriaNode.objects.filter(
            criteria_set_id=criteria_set.pk
        )
        .order_by("position")
        .values_list("pk", "parent_id", "code", "level", "max_points", "assessment", "method", "na_policy")
    ]
    return scoring.Tree(nodes, bonus_cap=criteria_set.bonus_cap, penalty_cap=criteria_set.penalty_cap)


def _area_json(score: scoring.Score) -> dict:
    """``Result.areas``: per area code, ``max``, ``self``, ``appraised``
    (survey excluded), ``survey``, ``points`` (appraised + survey) and the
    component ``index``; the keys every reader uses (``par.publication``,
    ``par.overview``, the result pages)."""
    return {
        code: {
            "max": str(_q(area.max)),
            "self": str(_q(area.self_points)),
            "appraised": str(_q(area.appraised)),
            "survey": str(_q(area.survey)),
            "points": str(_q(area.points)),
            "index": None if area.index is None else str(area.index.quantize(INDEX_PLACES)),
        }
        for code, area in score.areas.items()
    }


def _q(value: Decimal) -> Decimal:
    return value.quantize(SCORE_PLACES)


@transaction.atomic
def cycle_results_compute(*, cycle: Cycle) -> int:
    """Compute and store every included unit's result; ranks within the
    cycle's block among the units ranked (tie-break in ``par.scoring``).
    Replaces the earlier results (``version`` goes up). Returns the number
    of results."""
    cycle = Cycle.objects.select_for_update().select_related("criteria_set").get(pk=cycle.pk)
    tree = cycle_tree(cycle)
    bands = list(Band.objects.filter(criteria_set_id=cycle.criteria_set_id).order_by("position"))
    members = dict(CycleUnit.objects.filter(cycle=cycle, included=True).values_list("unit_id", "ranked"))
    cards = {
        pk: (unit_id, status)
        for pk, unit_id, status in Scorecard.objects.filter(cycle=cycle, unit_id__in=members).values_list(
            "pk", "unit_id", "status"
        )
    }
    survey: dict[int, dict[int, Decimal]] = {}
    for unit_id, node_id, points in SurveyResult.objects.filter(cycle=cycle).values_list(
        "unit_id", "node_id", "points"
    ):
        survey.setdefault(unit_id, {})[node_id] = points
    scores: dict[int, scoring.Score] = {}

    def close(card_id, items):
        unit_id, status = cards[card_id]
        score = tree.score(items, survey.get(unit_id, {}), survey_held=cycle.survey_held)
        score.provisional = score.provisional or status != ScorecardStatus.LOCKED
        scores[unit_id] = score

    rows = (
        ItemScore.objects.filter(scorecard__cycle=cycle)
        .order_by("scorecard_id")
        .values_list(
            "scorecard_id", "node_id", "self_score", "round1_score", "round2_score", "not_applicable"
        )
        .iterator(chunk_size=20000)
    )
    current, items = None, {}
    for card_id, node_id, self_score, round1, round2, not_applicable in rows:
        if card_id != current:
            if current is not None and current in cards:
                close(current, items)
            current, items = card_id, {}
        points = round2 if round2 is not None else round1 if round1 is not None else self_score
        items[node_id] = scoring.Item(points, self_score, not_applicable)
    if current is not None and current in cards:
        close(current, items)
    for card_id, (unit_id, _status) in cards.items():
        if unit_id not in scores:  # a scorecard without items
            close(card_id, {})
    ranks = scoring.ranks(
        (unit_id, score.index, score.survey_total, score.appraised_total)
        for unit_id, score in scores.items()
        if members.get(unit_id)
    )
    versions = dict(Result.objects.filter(cycle=cycle).values_list("unit_id", "version"))
    now = timezone.now()
    Result.objects.filter(cycle=cycle).delete()
    results = []
    for unit_id, score in scores.items():
        index = score.index
        band = scoring.band_for(bands, index)
        results.append(
            Result(
                cycle=cycle,
                unit_id=unit_id,
                self_total=_q(score.self_total),
                appraised_total=_q(score.appraised_total),
                survey_total=_q(score.survey_total),
                bonus=_q(score.bonus),
                penalty=_q(score.penalty),
                applicable_max=_q(score.applicable_max),
                index=index.quantize(INDEX_PLACES),
                band=band,
                rank=ranks.get(unit_id),
                areas=_area_json(score),
                provisional=score.provisional,
                version=versions.get(unit_id, 0) + 1,
                computed_at=now,
            )
        )
    Result.objects.bulk_create(results, batch_size=2000)
    cycle.computed_at = now
    cycle.save(update_fields=["computed_at"])
    return len(results)
