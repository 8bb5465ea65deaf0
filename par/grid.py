"""Reads for the units' and the appraisers' pages: scorecards and items
narrowed to the user's scope, and the grid of a scorecard as a view-model.

The grid costs a fixed number of queries whatever the size of the set: the
scorecard (with its cycle, set and unit), the nodes of the set, the items,
the evidence (with their documents), and the survey points."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from cchc.access import APPRAISERS, action_roles, can, scope_q

from . import scoring
from .choices import ADJUSTMENT_METHODS, Assessment, CycleStatus, Method, ScorecardStatus
from .models import CriteriaNode, Evidence, ItemScore, Result, Scorecard

ZERO = Decimal("0")


def scorecards_visible(user):
    """Scorecards of the units in the user's scope (the unit's people and
    the province's staff)."""
    if not can(user, "par.scorecard.view"):
        return Scorecard.objects.none()
    return Scorecard.objects.filter(scope_q(user, "unit", action_roles("par.scorecard.view"))).select_related(
        "cycle__criteria_set", "unit"
    )


def scorecards_editable(user):
    if not can(user, "par.scorecard.edit"):
        return Scorecard.objects.none()
    return Scorecard.objects.filter(scope_q(user, "unit", action_roles("par.scorecard.edit")))


def items_editable(user):
    if not can(user, "par.scorecard.edit"):
        return ItemScore.objects.none()
    return ItemScore.objects.filter(scope_q(user, "scorecard__unit", action_roles("par.scorecard.edit")))


def evidence_editable(user):
    if not can(user, "par.scorecard.edit"):
        return Evidence.objects.none()
    return Evidence.objects.filter(scope_q(user, "item__scorecard__unit", action_roles("par.scorecard.edit")))


def evidence_visible(user):
    """Evidence a user may download: the unit's people and staff (as the
    scorecard), and the appraisers of the item's criterion."""
    roles = action_roles("par.scorecard.view")
    condition = scope_q(user, "item__scorecard__unit", roles) if can(user, "par.scorecard.view") else None
    if can(user, "par.appraise"):
        appraise = scope_q(user, "item__node__appraising_unit", APPRAISERS)
        condition = appraise if condition is None else condition | appraise
    if condition is None:
        return Evidence.objects.none()
    return Evidence.objects.filter(condition)


def items_appraisable(user):
    """Items of submitted scorecards whose criterion the user's department
    appraises, across all units."""
    if not can(user, "par.appraise"):
        return ItemScore.objects.none()
    return ItemScore.objects.filter(scope_q(user, "node__appraising_unit", APPRAISERS)).exclude(
        scorecard__status=ScorecardStatus.DRAFT
    )


def scorecards_managed(user):
    """Scorecards of the cycles the user manages (the Sở Nội vụ)."""
    if not can(user, "par.cycle.manage"):
        return Scorecard.objects.none()
    return Scorecard.objects.filter(scope_q(user, "cycle__province", action_roles("par.cycle.manage")))


def results_visible(user):
    """Results: every unit's for the province's staff, the unit's own for
    its people once the cycle is published."""
    condition = None
    if can(user, "par.results.view"):
        condition = scope_q(user, "cycle__province", action_roles("par.results.view"))
    if can(user, "par.scorecard.view"):
        own = scope_q(user, "unit", action_roles("par.scorecard.view")) & Q(
            cycle__status=CycleStatus.PUBLISHED
        )
        condition = own if condition is None else condition | own
    if condition is None:
        return Result.objects.none()
    return Result.objects.filter(condition).select_related("cycle", "unit", "band")


# --- the grid ----------------------------------------------------------------------


@dataclass
class Row:
    node: CriteriaNode
    depth: int
    is_leaf: bool
    item: ItemScore | None = None
    evidence: list = field(default_factory=list)
    survey: Decimal | None = None
    text: str = ""
    typed: str | None = None
    error: str = ""
    area_code: str = ""
    # A refused evidence upload: the reason, and what was typed in its form.
    evidence_error: str = ""
    evidence_typed: dict | None = None

    @property
    def is_self(self) -> bool:
        return self.is_leaf and self.node.assessment == Assessment.SELF

    @property
    def needs_explanation(self) -> bool:
        item = self.item
        return bool(
            item and item.self_score and not self.evidence and not item.no_evidence_explanation.strip()
        )

    @property
    def hint(self) -> str:
        return input_hint(self.node)


def input_text(node: CriteriaNode, item: ItemScore | None) -> str:
    """What the grid's cell shows for a saved self score."""
    if item is None or item.self_score is None:
        return ""
    entered = item.self_input or {}
    if node.method == Method.YES_NO:
        return "đạt" if entered.get("yes") else "không"
    if node.method == Method.LEVELS:
        return str(entered.get("level", ""))
    if node.method == Method.PCT_BANDS:
        return str(entered.get("percent", ""))
    if node.method == Method.RATIO:
        return f"{entered.get('numerator', '')}/{entered.get('denominator', '')}"
    return str(entered.get("points", scoring.display(item.self_score)))


def input_hint(node: CriteriaNode) -> str:
    from django.utils.translation import gettext as _

    if node.method == Method.YES_NO:
        return _("Ghi “đạt” hoặc “không”.")
    if node.method == Method.LEVELS:
        return _("Ghi một mức: %(levels)s.") % {
            "levels": "; ".join(
                f"{level['label']} ({level['points']})" for level in node.params.get("levels", [])
            )
        }
    if node.method == Method.PCT_BANDS:
        return _("Ghi tỷ lệ %, ví dụ 87,5.")
    if node.method == Method.RATIO:
        return _("Ghi tử số/mẫu số, ví dụ 45/50.")
    return _("Ghi số điểm, từ 0 đến %(m)s.") % {"m": scoring.display(node.max_points)}


@dataclass
class AreaTotal:
    code: str
    name: str
    max: Decimal = ZERO
    self_points: Decimal = ZERO
    appraised: Decimal = ZERO


def scorecard_grid(scorecard: Scorecard):
    """(rows, totals) of a scorecard: every node of the set in print order,
    leaves with their item and evidence, and each area's totals."""
    nodes = list(
        CriteriaNode.objects.filter(criteria_set_id=scorecard.cycle.criteria_set_id).order_by("position")
    )
    items = {item.node_id: item for item in ItemScore.objects.filter(scorecard=scorecard)}
    evidence: dict[int, list] = {}
    for piece in Evidence.objects.filter(item__scorecard=scorecard).select_related("document").order_by("id"):
        evidence.setdefault(piece.item_id, []).append(piece)
    survey = dict(
        scorecard.cycle.survey_results.filter(unit_id=scorecard.unit_id).values_list("node_id", "points")
    )
    parents = {node.parent_id for node in nodes}
    by_id = {node.id: node for node in nodes}
    rows = []
    totals: dict[str, AreaTotal] = {}
    for node in nodes:
        top = node
        while top.parent_id is not None:
            top = by_id[top.parent_id]
        if node.level == 1:
            totals[node.code] = AreaTotal(node.code, node.name)
        is_leaf = node.id not in parents
        item = items.get(node.id)
        row = Row(
            node=node,
            depth=node.level,
            is_leaf=is_leaf,
            item=item,
            evidence=evidence.get(item.pk, []) if item else [],
            survey=survey.get(node.id),
            text=input_text(node, item) if is_leaf else "",
            area_code=top.code,
        )
        rows.append(row)
    area_totals(rows, totals)
    return rows, list(totals.values())


def area_totals(rows, totals):
    for row in rows:
        if not row.is_leaf or row.node.method in ADJUSTMENT_METHODS:
            continue
        total = totals.get(row.area_code)
        if total is None:
            continue
        total.max += row.node.max_points
        item = row.item
        if row.node.assessment == Assessment.SURVEY:
            total.self_points += row.survey or ZERO
            total.appraised += row.survey or ZERO
            continue
        if item is None:
            continue
        total.self_points += min(item.self_score or ZERO, row.node.max_points)
        final = item.final_score
        total.appraised += min(final or ZERO, row.node.max_points)
