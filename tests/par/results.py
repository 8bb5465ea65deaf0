"""The index of a cycle computed in tests with par.scoring (par's own
``cycle_results_compute`` is built on another branch)."""

from decimal import Decimal

from django.utils import timezone

from par import scoring
from par.models import Band, CriteriaNode, ItemScore, Result


def compute(cycle) -> list[Result]:
    nodes = list(CriteriaNode.objects.filter(criteria_set_id=cycle.criteria_set_id).order_by("position"))
    tree = scoring.Tree(
        [
            scoring.Node(
                n.id, n.parent_id, n.code, n.level, n.max_points, n.assessment, n.method, n.na_policy
            )
            for n in nodes
        ],
        bonus_cap=cycle.criteria_set.bonus_cap,
        penalty_cap=cycle.criteria_set.penalty_cap,
    )
    bands = list(Band.objects.filter(criteria_set_id=cycle.criteria_set_id))
    area_of = {}
    by_id = {n.id: n for n in nodes}
    for n in nodes:
        top = n
        while top.parent_id is not None:
            top = by_id[top.parent_id]
        area_of[n.id] = top.code
    scores, surveys = {}, {}
    for scorecard in cycle.scorecards.all():
        items = {
            item.node_id: scoring.Item(item.final_score, item.self_score, item.not_applicable)
            for item in ItemScore.objects.filter(scorecard=scorecard)
        }
        survey = dict(cycle.survey_results.filter(unit_id=scorecard.unit_id).values_list("node_id", "points"))
        scores[scorecard.unit_id] = tree.score(items, survey, survey_held=cycle.survey_held)
        per_area = {}
        for node_id, points in survey.items():
            per_area[area_of[node_id]] = per_area.get(area_of[node_id], Decimal("0")) + points
        surveys[scorecard.unit_id] = per_area
    ranks = scoring.ranks((unit, s.index, s.survey_total, s.appraised_total) for unit, s in scores.items())
    Result.objects.filter(cycle=cycle).delete()
    results = []
    for unit_id, s in scores.items():
        results.append(
            Result.objects.create(
                cycle=cycle,
                unit_id=unit_id,
                self_total=s.self_total,
                appraised_total=s.appraised_total,
                survey_total=s.survey_total,
                bonus=s.bonus,
                penalty=s.penalty,
                applicable_max=s.applicable_max,
                index=s.index,
                band=scoring.band_for(bands, s.index),
                rank=ranks[unit_id],
                provisional=s.provisional,
                areas={
                    code: {
                        "max": str(a.max),
                        "self": str(a.self_points),
                        "appraised": str(a.points - surveys[unit_id].get(code, Decimal("0"))),
                        "survey": str(surveys[unit_id].get(code, Decimal("0"))),
                        "index": str(a.index) if a.index is not None else None,
                    }
                    for code, a in s.areas.items()
                },
                computed_at=timezone.now(),
            )
        )
    return results


__all__ = ["Decimal", "compute"]
