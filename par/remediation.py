"""Findings into remediation (item 9 of issue 14): for each unit of a
published cycle, the criteria that lost points (the points that count are
below the maximum; "không phát sinh" aside) become remediation tasks, one
per unit and area, listing the criteria and their points, so that seed
002's "đề ra biện pháp khắc phục đối với các lĩnh vực có tiêu chí bị trừ
điểm" is followed up with the same task machinery as inspections. par does
not import inspections: it sends the kernel's ``par_tasks_proposed``, and
``inspections.handlers`` creates the tasks of the decision document.

Also the picker "lowest-ranked units" (``par/unit_pickers.py``) for next
year's inspection plan."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.signals import par_tasks_proposed

from . import scoring
from .choices import Assessment
from .models import CriteriaNode, Cycle, ItemScore

#: Days a unit has to report on the remediation of its lost points.
TASK_DAYS = 90
ZERO = Decimal("0")


def lost_points(cycle: Cycle) -> dict[int, OrderedDict[str, list[tuple[CriteriaNode, Decimal]]]]:
    """unit id → area code → [(criterion, points lost)], in print order."""
    nodes = list(CriteriaNode.objects.filter(criteria_set_id=cycle.criteria_set_id).order_by("position"))
    by_id = {node.id: node for node in nodes}
    areas = {}
    for node in nodes:
        top = node
        while top.parent_id is not None:
            top = by_id[top.parent_id]
        areas[node.id] = top
    result: dict[int, OrderedDict] = {}
    items = (
        ItemScore.objects.filter(
            scorecard__cycle=cycle, node__assessment=Assessment.SELF, not_applicable=False
        )
        .exclude(node__method__in=["bonus", "penalty"])
        .select_related("scorecard")
        .order_by("scorecard__unit_id", "node__position")
    )
    for item in items:
        node = by_id[item.node_id]
        lost = node.max_points - min(item.final_score or ZERO, node.max_points)
        if lost <= 0:
            continue
        area = areas[node.id]
        result.setdefault(item.scorecard.unit_id, OrderedDict()).setdefault(area.code, []).append(
            (node, lost)
        )
    return result


def task_proposals(cycle: Cycle, *, issued_on: datetime.date, monitoring_unit_id=None) -> list[dict]:
    deadline = issued_on + datetime.timedelta(days=TASK_DAYS)
    area_names = dict(
        CriteriaNode.objects.filter(criteria_set_id=cycle.criteria_set_id, level=1).values_list(
            "code", "name"
        )
    )
    proposals = []
    for unit_id, areas in lost_points(cycle).items():
        for code, lost in areas.items():
            criteria = "; ".join(
                _("%(c)s %(n)s (mất %(p)s điểm)")
                % {"c": node.code, "n": node.name, "p": scoring.display(points)}
                for node, points in lost
            )
            proposals.append(
                {
                    "responsible_unit_id": unit_id,
                    "monitoring_unit_id": monitoring_unit_id,
                    "description": _(
                        "Khắc phục các tiêu chí bị trừ điểm trong Chỉ số CCHC năm %(y)s, lĩnh vực %(a)s: "
                        "%(criteria)s."
                    )
                    % {"y": cycle.year, "a": f"{code}. {area_names.get(code, '')}", "criteria": criteria},
                    "deadline": deadline,
                }
            )
    return proposals


def remediation_tasks_propose(*, document) -> int:
    """Send the tasks of every cycle a decision publishes (on issue)."""
    with transaction.atomic():
        cycles = list(Cycle.objects.filter(decision=document).select_related("province"))
        if not cycles:
            return 0
        home_affairs = cycles[0].province.children.filter(name__icontains="Nội vụ").order_by("path").first()
        tasks = []
        for cycle in cycles:
            tasks += task_proposals(
                cycle,
                issued_on=document.issued_on,
                monitoring_unit_id=home_affairs.pk if home_affairs else None,
            )
        if tasks:
            par_tasks_proposed.send(sender=Cycle, document=document, tasks=tasks)
        return len(tasks)
