"""Cycles: a year's assessment on an issued set, its units resolved from the
unit tree by ``UNIT_RULE``, its scorecards, its deadlines."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cchc.models import Unit, UnitSuccession, User

from ..choices import GROUP_UNIT_KINDS, Assessment, CycleStatus, CycleUnitBasis
from ..models import CriteriaNode, CriteriaSet, Cycle, CycleUnit, ItemScore, Scorecard


@dataclass
class ResolvedUnit:
    unit: Unit
    included: bool
    basis: str
    reason: str = ""


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def resolution_date(year: int, *, today: datetime.date | None = None) -> datetime.date:
    """The day units are resolved on: 31/12 of the year, or today if the
    cycle is made before the year ends."""
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def cycle_units_resolve(
    *, province: Unit, unit_group: str, year: int, today: datetime.date | None = None
) -> list[ResolvedUnit]:
    """The units of ``unit_group`` a cycle of ``year`` covers, by the rule
    ``par.models.UNIT_RULE``:

    * in the province's tree (and the trees of the provinces it took over),
      of the block's kinds, existing on the resolution day: included, for the
      whole year; "new" if created during the year, "successor" if it took
      over units during the year;
    * ended during the year before that day: listed as not included, with
      the units that took over its work;
    * created after that day, or ended before the year: not listed.

    A few queries whatever the number of units."""
    on = resolution_date(year, today=today)
    first = datetime.date(year, 1, 1)
    roots = [province, *Unit.objects.filter(successions_out__successor=province)]
    candidates = list(
        Unit.objects.subtree_of(*roots)
        .filter(kind__in=GROUP_UNIT_KINDS[unit_group])
        .exclude(valid_from__gt=on)
        .exclude(valid_to__lt=first)
        .order_by("path")
    )
    ids = [unit.pk for unit in candidates]
    taken_over: dict[int, list[str]] = {}
    successors: dict[int, list[str]] = {}
    links = UnitSuccession.objects.filter(effective_date__gte=first, effective_date__lte=on).select_related(
        "predecessor", "successor"
    )
    for link in links.filter(successor_id__in=ids):
        taken_over.setdefault(link.successor_id, []).append(link.predecessor.name)
    for link in links.filter(predecessor_id__in=ids):
        successors.setdefault(link.predecessor_id, []).append(link.successor.name)
    resolved = []
    for unit in candidates:
        if unit.valid_to is not None and unit.valid_to < on:
            names = successors.get(unit.pk)
            reason = _("Kết thúc hoạt động ngày %(d)s") % {"d": _short(unit.valid_to)}
            if names:
                reason += _("; công việc do %(s)s kế thừa") % {"s": ", ".join(sorted(names))}
            resolved.append(ResolvedUnit(unit, False, CycleUnitBasis.ENDED, reason + "."))
        elif unit.pk in taken_over:
            reason = _("Kế thừa %(p)s") % {"p": ", ".join(sorted(taken_over[unit.pk]))}
            resolved.append(ResolvedUnit(unit, True, CycleUnitBasis.SUCCESSOR, reason + "."))
        elif unit.valid_from is not None and unit.valid_from > first:
            reason = _("Thành lập ngày %(d)s.") % {"d": _short(unit.valid_from)}
            resolved.append(ResolvedUnit(unit, True, CycleUnitBasis.NEW, reason))
        else:
            resolved.append(ResolvedUnit(unit, True, CycleUnitBasis.WHOLE_YEAR))
    return resolved


def scored_leaves(criteria_set: CriteriaSet) -> list[int]:
    """The ids of the leaves a unit scores, in document order (survey leaves
    are not self-scored)."""
    nodes = list(criteria_set.nodes.order_by("position").values_list("pk", "parent_id", "assessment"))
    parents = {parent for _pk, parent, _a in nodes if parent}
    return [pk for pk, _parent, assessment in nodes if pk not in parents and assessment == Assessment.SELF]


def _scorecards_create(cycle: Cycle, units: list[Unit], *, items: bool = True) -> int:
    """A draft scorecard for each unit, with an empty item per scored leaf
    (bulk writes; the same rows as ``par.assessment.scorecard_items_ensure``,
    with the leaf's proposal source). In an open cycle the new scorecards get
    their proposals at once (``scorecards_prepare``)."""
    leaves = scored_leaves(cycle.criteria_set)
    sources = dict(CriteriaNode.objects.filter(pk__in=leaves).values_list("pk", "proposal_source"))
    existing = set(Scorecard.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
    cards = Scorecard.objects.bulk_create(
        Scorecard(cycle=cycle, unit=unit) for unit in units if unit.pk not in existing
    )
    if items:
        ItemScore.objects.bulk_create(
            (
                ItemScore(scorecard=card, node_id=leaf, proposal_source=sources[leaf])
                for card in cards
                for leaf in leaves
            ),
            batch_size=5000,
        )
    if cards and cycle.status not in (CycleStatus.DRAFT,):
        scorecards_prepare(cycle=cycle, scorecards=cards)
    return len(cards)


def scorecards_prepare(*, cycle: Cycle, scorecards=None) -> int:
    """Make each scorecard ready for its unit: one row per self-assessed leaf
    (``par.assessment.scorecard_items_ensure``, idempotent) and the values the
    system proposes from its own records (``par.proposals.scorecard_propose``).
    Runs when a cycle opens and when a unit joins an open cycle. Returns how
    many proposals were made."""
    from ..assessment import scorecard_items_ensure
    from ..proposals import scorecard_propose

    cards = scorecards if scorecards is not None else cycle.scorecards.select_related("cycle", "unit")
    proposed = 0
    has_sources = CriteriaNode.objects.filter(criteria_set_id=cycle.criteria_set_id).exclude(
        proposal_source=""
    )
    sources = has_sources.exists()
    for card in cards:
        scorecard_items_ensure(scorecard=card)
        if sources:
            proposed += scorecard_propose(scorecard=card)
    return proposed


@transaction.atomic
def cycle_create(
    *,
    province: Unit,
    criteria_set: CriteriaSet,
    name: str,
    self_assessment_due: datetime.date,
    round1_due: datetime.date,
    explanation_due: datetime.date,
    round2_due: datetime.date,
    publication_due: datetime.date,
    user: User | None,
    survey_held: bool = True,
    today: datetime.date | None = None,
    empty_items: bool = True,
) -> Cycle:
    """A cycle on an issued set, for the set's year, with its units resolved
    from the unit tree (``cycle_units_resolve``) and a draft scorecard for
    each unit included, with an empty item per scored leaf
    (``empty_items=False``: the caller writes the items itself, as bulk
    loaders do)."""
    cycle = Cycle(
        province=province,
        year=criteria_set.year,
        criteria_set=criteria_set,
        name=name,
        self_assessment_due=self_assessment_due,
        round1_due=round1_due,
        explanation_due=explanation_due,
        round2_due=round2_due,
        publication_due=publication_due,
        survey_held=survey_held,
        created_by=user,
    )
    cycle.full_clean()
    cycle.save()
    resolved = cycle_units_resolve(
        province=province, unit_group=criteria_set.unit_group, year=cycle.year, today=today
    )
    CycleUnit.objects.bulk_create(
        CycleUnit(
            cycle=cycle,
            unit=entry.unit,
            included=entry.included,
            ranked=entry.included,
            basis=entry.basis,
            reason=entry.reason,
        )
        for entry in resolved
    )
    _scorecards_create(cycle, [entry.unit for entry in resolved if entry.included], items=empty_items)
    return cycle


@transaction.atomic
def cycle_update(*, cycle: Cycle, **fields) -> Cycle:
    """Change a cycle's name, deadlines or survey flag (until it is locked)."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status in (CycleStatus.LOCKED, CycleStatus.PUBLISHED):
        raise ValidationError(_("Đợt đánh giá đã chốt điểm, không sửa được."))
    allowed = {
        "name",
        "self_assessment_due",
        "round1_due",
        "explanation_due",
        "round2_due",
        "publication_due",
    }
    allowed.add("survey_held")
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cycle_update: unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(cycle, name, value)
    cycle.full_clean()
    cycle.save()
    return cycle


@transaction.atomic
def cycle_unit_set(
    *, cycle_unit: CycleUnit, included: bool, ranked: bool, reason: str, user: User | None
) -> CycleUnit:
    """The Sở Nội vụ includes or leaves out a unit, or keeps it out of the
    ranking, with a reason. A unit included gets its scorecard."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle_unit.cycle_id)
    if cycle.status in (CycleStatus.LOCKED, CycleStatus.PUBLISHED):
        raise ValidationError(_("Đợt đánh giá đã chốt điểm, không sửa được."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Ghi lý do điều chỉnh.")})
    cycle_unit.included = included
    cycle_unit.ranked = ranked and included
    cycle_unit.basis = CycleUnitBasis.MANUAL
    cycle_unit.reason = reason.strip()
    cycle_unit.full_clean()
    cycle_unit.save()
    if included:
        _scorecards_create(cycle, [cycle_unit.unit])
    return cycle_unit


@transaction.atomic
def cycle_open(*, cycle: Cycle) -> Cycle:
    """Open self-assessment: a draft cycle becomes open and every scorecard
    gets its rows and the system's proposals (``scorecards_prepare``)."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.DRAFT:
        raise ValidationError(_("Đợt đánh giá đã mở."))
    cycle.status = CycleStatus.OPEN
    cycle.save(update_fields=["status"])
    scorecards_prepare(cycle=cycle)
    return cycle


def survey_nodes(cycle: Cycle) -> list[CriteriaNode]:
    """The survey leaves of a cycle's set, in order."""
    nodes = list(cycle.criteria_set.nodes.order_by("position"))
    parents = {node.parent_id for node in nodes if node.parent_id}
    return [node for node in nodes if node.pk not in parents and node.assessment == Assessment.SURVEY]
