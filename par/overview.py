"""The PAR index for leaders (item 10 of issue 14), as plain view-models:
the year's ranking of every block, each unit's index and rank over the
years (as the units were, or gathered under today's units through their
successions), the areas losing most points across the province, and the
units whose achieved criteria lack evidence (seed 002's "đã đạt nhưng không
có tài liệu kiểm chứng"). A fixed number of queries whatever the number of
units and years."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from cchc.models import Unit, UnitSuccession

from .choices import Assessment
from .grid import results_visible
from .models import CriteriaNode, Evidence, ItemScore
from .publication import area_figures

ZERO = Decimal("0")


def today_units(unit_ids: set[int]) -> dict[int, int]:
    """unit id → the id of the unit that carries it on today (itself when it
    has not ended; the first current successor otherwise). One query per
    step of succession, not per unit."""
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    mapping = {pk: pk for pk, unit in units.items() if not unit.has_ended}
    pending = {pk: pk for pk, unit in units.items() if unit.has_ended}  # current id → origin
    seen = set(pending)
    while pending:
        links = UnitSuccession.objects.filter(predecessor_id__in=list(pending)).select_related("successor")
        following = {}
        for link in links.order_by("successor__path"):
            origin = pending[link.predecessor_id]
            if origin in mapping or link.successor_id in seen:
                continue
            if link.successor.has_ended:
                following[link.successor_id] = origin
                seen.add(link.successor_id)
            else:
                mapping[origin] = link.successor_id
        for origin in pending.values():
            if origin not in mapping and origin not in following.values():
                mapping[origin] = origin
        pending = following
    return mapping


@dataclass
class Trend:
    unit: Unit
    cells: dict = field(default_factory=dict)  # year → (index, rank, shown-as unit name or "")


def overview(user, *, year: int | None, current: bool) -> dict:
    results = list(results_visible(user).select_related("cycle__criteria_set", "unit", "band"))
    years = sorted({r.cycle.year for r in results}, reverse=True)
    year = year if year in years else (years[0] if years else None)
    this_year = sorted((r for r in results if r.cycle.year == year), key=lambda r: (r.cycle_id, r.rank or 0))
    mapping = today_units({r.unit_id for r in results}) if current else {}
    names = {u.pk: u for u in Unit.objects.filter(pk__in=set(mapping.values()))} if current else {}
    trends: dict[int, Trend] = OrderedDict()
    for r in sorted(results, key=lambda r: r.unit.path):
        key = mapping.get(r.unit_id, r.unit_id) if current else r.unit_id
        unit = names.get(key, r.unit) if current else r.unit
        trend = trends.setdefault(key, Trend(unit=unit))
        trend.cells[r.cycle.year] = (r.index, r.rank, r.unit.name if key != r.unit_id else "")
    # Areas losing most points in the year, across the province.
    losses: dict[str, list] = defaultdict(lambda: [None, ZERO, ZERO])
    area_names = {}
    set_ids = {r.cycle.criteria_set_id for r in this_year}
    for node in CriteriaNode.objects.filter(criteria_set_id__in=set_ids, level=1):
        area_names[(node.criteria_set_id, node.code)] = node.name
    for r in this_year:
        for code in r.areas or {}:
            figures = area_figures(r, code)
            if figures["max"] in (None, ""):
                continue
            got = Decimal(str(figures["appraised"] or 0)) + Decimal(str(figures["survey"] or 0))
            name = area_names.get((r.cycle.criteria_set_id, code), code)
            entry = losses[name]
            entry[0] = name
            entry[1] += Decimal(str(figures["max"])) - got
            entry[2] += Decimal(str(figures["max"]))
    losing = sorted((e for e in losses.values() if e[1] > 0), key=lambda e: -e[1])
    # Achieved criteria without evidence, per unit.
    cycle_ids = {r.cycle_id for r in this_year}
    without = (
        ItemScore.objects.filter(scorecard__cycle_id__in=cycle_ids, node__assessment=Assessment.SELF)
        .filter(
            Q(round2_score__gt=0)
            | Q(round2_score__isnull=True, round1_score__gt=0)
            | Q(round2_score__isnull=True, round1_score__isnull=True, self_score__gt=0)
        )
        .exclude(Exists(Evidence.objects.filter(item=OuterRef("pk"))))
        .values("scorecard__unit__name", "scorecard__unit_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "scorecard__unit__name")
    )
    return {
        "years": years,
        "year": year,
        "current": current,
        "results": this_year,
        "trend_years": sorted(years),
        "trends": list(trends.values()),
        "losing": losing[:10],
        "without_evidence": list(without[:50]),
    }
