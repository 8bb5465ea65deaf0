"""Criteria sets: create a draft, replace its tree, copy it to next year,
check it, issue it. An issued set never changes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.choices import UnitKind
from cchc.models import Unit, User

from .. import scoring
from ..choices import Assessment, Method, NotApplicable, SetStatus
from ..models import Band, CriteriaNode, CriteriaSet, issued_set_error


@dataclass
class NodeSpec:
    """A node as an import or a copy gives it, before it is saved: the tree is
    given by ``level`` in document order (a node belongs to the nearest node
    above it one level up)."""

    code: str
    name: str
    level: int
    max_points: Decimal
    assessment: str = Assessment.SELF
    method: str = ""
    params: dict = field(default_factory=dict)
    rule_text: str = ""
    evidence_expected: str = ""
    na_policy: str = NotApplicable.ZERO
    appraising_unit_id: int | None = None
    proposal_source: str = ""
    is_illustrative: bool = False
    row: int | None = None


@dataclass
class BandSpec:
    name: str
    lower: Decimal | None
    lower_inclusive: bool
    upper: Decimal | None
    upper_inclusive: bool
    row: int | None = None

    def as_interval(self) -> scoring.Interval:
        return scoring.Interval(self.lower, self.lower_inclusive, self.upper, self.upper_inclusive, self.name)


def _check_draft(criteria_set: CriteriaSet) -> None:
    stored = CriteriaSet.objects.filter(pk=criteria_set.pk).values_list("status", flat=True).first()
    if stored == SetStatus.ISSUED:
        raise issued_set_error()


def _engine_nodes(specs: list[NodeSpec]) -> list[scoring.Node]:
    """Number the specs (1, 2, ...) and link each to its parent by level."""
    nodes = []
    stack: list[int] = []
    for number, spec in enumerate(specs, start=1):
        del stack[spec.level - 1 :]
        parent = stack[-1] if stack else None
        stack.append(number)
        nodes.append(
            scoring.Node(
                number,
                parent,
                spec.code,
                spec.level,
                spec.max_points,
                spec.assessment,
                spec.method,
                spec.na_policy,
            )
        )
    return nodes


def tree_problems(specs: list[NodeSpec], bands: Iterable[BandSpec], *, total: Decimal) -> list[str]:
    """Every problem with a tree and its bands, in Vietnamese: levels that
    skip, duplicate codes, unknown methods, parameters outside the method,
    maxima that do not add up, bands that overlap or leave a gap."""
    problems: list[str] = []

    def where(spec: NodeSpec) -> str:
        return _("Dòng %(row)s (%(code)s)") % {"row": spec.row, "code": spec.code} if spec.row else spec.code

    if not specs:
        problems.append(_("Bộ tiêu chí chưa có tiêu chí nào."))
    seen: dict[str, NodeSpec] = {}
    previous_level = 0
    for spec in specs:
        if spec.level < 1 or spec.level > previous_level + 1:
            problems.append(
                _("%(w)s: cấp %(l)s không nối tiếp cấp của dòng trên.") % {"w": where(spec), "l": spec.level}
            )
        previous_level = spec.level
        if spec.code in seen:
            problems.append(_("%(w)s: mã trùng với một tiêu chí ở trên.") % {"w": where(spec)})
        seen[spec.code] = spec
        if spec.max_points < 0:
            problems.append(_("%(w)s: điểm tối đa không được âm.") % {"w": where(spec)})
        if spec.method:
            for problem in scoring.check_params(spec.method, spec.params, spec.max_points):
                problems.append(f"{where(spec)}: {problem}")
            if spec.assessment == Assessment.SURVEY and spec.method in (Method.BONUS, Method.PENALTY):
                problems.append(
                    _("%(w)s: điểm thưởng, điểm trừ không lấy từ điều tra xã hội học.") % {"w": where(spec)}
                )
    if problems:
        return problems
    problems += scoring.rollup_problems(_engine_nodes(specs), total)
    bands = list(bands)
    if bands:
        problems += [
            _("Xếp loại: %(p)s") % {"p": p} for p in scoring.check_bands(b.as_interval() for b in bands)
        ]
        names = [band.name for band in bands]
        if len(set(names)) != len(names):
            problems.append(_("Xếp loại: có tên xếp loại bị lặp."))
    return problems


@transaction.atomic
def criteria_set_create(
    *,
    province: Unit,
    year: int,
    unit_group: str,
    name: str,
    user: User | None,
    total_points: Decimal = Decimal("100"),
    level_labels: list[str] | None = None,
    national_basis: str = "",
    notes: str = "",
    is_illustrative: bool = False,
) -> CriteriaSet:
    """A new draft set, empty."""
    if province.kind != UnitKind.PROVINCE:
        raise ValidationError({"province": _("Bộ tiêu chí do UBND tỉnh ban hành.")})
    criteria_set = CriteriaSet(
        province=province,
        year=year,
        unit_group=unit_group,
        name=name,
        total_points=total_points,
        national_basis=national_basis,
        notes=notes,
        is_illustrative=is_illustrative,
        created_by=user,
    )
    if level_labels:
        criteria_set.level_labels = level_labels
    criteria_set.full_clean()
    criteria_set.save()
    return criteria_set


@transaction.atomic
def criteria_set_update(*, criteria_set: CriteriaSet, **fields) -> CriteriaSet:
    """Change a draft's own fields (name, total points, level labels, caps,
    notes...); an issued set is refused."""
    _check_draft(criteria_set)
    allowed = {"name", "year", "unit_group", "total_points", "bonus_cap", "penalty_cap", "level_labels"}
    allowed |= {"national_basis", "notes", "decision_number", "decision_date"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"criteria_set_update: unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(criteria_set, name, value)
    criteria_set.full_clean()
    criteria_set.save()
    return criteria_set


@transaction.atomic
def criteria_set_replace_tree(
    *, criteria_set: CriteriaSet, nodes: list[NodeSpec], bands: list[BandSpec] | None = None
) -> int:
    """Replace a draft's tree (and its bands, when given) with ``nodes``:
    all or nothing. Refuses an issued set, and a tree with any problem
    (``tree_problems``). Returns the number of nodes."""
    _check_draft(criteria_set)
    problems = tree_problems(nodes, bands or [], total=criteria_set.total_points)
    if problems:
        raise ValidationError(problems)
    CriteriaNode.objects.filter(criteria_set=criteria_set).delete()
    if bands is not None:
        Band.objects.filter(criteria_set=criteria_set).delete()
        Band.objects.bulk_create(
            Band(
                criteria_set=criteria_set,
                name=band.name,
                lower=band.lower,
                lower_inclusive=band.lower_inclusive,
                upper=band.upper,
                upper_inclusive=band.upper_inclusive,
                position=position,
            )
            for position, band in enumerate(bands, start=1)
        )
    stack: list[CriteriaNode] = []
    # Parents must exist before children: save level by level in one pass
    # (a parent always comes before its children in document order).
    for position, spec in enumerate(nodes, start=1):
        del stack[spec.level - 1 :]
        node = CriteriaNode(
            criteria_set=criteria_set,
            parent=stack[-1] if stack else None,
            level=spec.level,
            position=position,
            code=spec.code,
            name=spec.name,
            max_points=spec.max_points,
            assessment=spec.assessment,
            method=spec.method,
            params=spec.params,
            rule_text=spec.rule_text,
            evidence_expected=spec.evidence_expected,
            na_policy=spec.na_policy,
            appraising_unit_id=spec.appraising_unit_id,
            proposal_source=spec.proposal_source,
            is_illustrative=spec.is_illustrative,
        )
        node.full_clean(exclude=["criteria_set", "parent", "appraising_unit"])
        node.save()
        stack.append(node)
    return len(nodes)


def node_specs(criteria_set: CriteriaSet) -> list[NodeSpec]:
    """A set's tree as specs, in document order (for a copy or an export)."""
    return [
        NodeSpec(
            code=node.code,
            name=node.name,
            level=node.level,
            max_points=node.max_points,
            assessment=node.assessment,
            method=node.method,
            params=node.params,
            rule_text=node.rule_text,
            evidence_expected=node.evidence_expected,
            na_policy=node.na_policy,
            appraising_unit_id=node.appraising_unit_id,
            proposal_source=node.proposal_source,
            is_illustrative=node.is_illustrative,
        )
        for node in criteria_set.nodes.order_by("position")
    ]


def band_specs(criteria_set: CriteriaSet) -> list[BandSpec]:
    return [
        BandSpec(band.name, band.lower, band.lower_inclusive, band.upper, band.upper_inclusive)
        for band in criteria_set.bands.order_by("position")
    ]


def criteria_set_problems(criteria_set: CriteriaSet) -> list[str]:
    """What stops a set from being issued (empty: it may be issued)."""
    problems = tree_problems(
        node_specs(criteria_set), band_specs(criteria_set), total=criteria_set.total_points
    )
    if not criteria_set.bands.exists():
        problems.append(_("Bộ tiêu chí chưa có xếp loại."))
    return problems


@transaction.atomic
def criteria_set_copy(*, source: CriteriaSet, year: int, user: User | None, name: str = "") -> CriteriaSet:
    """Next year's draft: a copy of ``source`` (issued or not) with its tree
    and bands, for ``year``; the decision is left blank."""
    copy = CriteriaSet(
        province=source.province,
        year=year,
        unit_group=source.unit_group,
        name=name or source.name.replace(str(source.year), str(year)),
        national_basis=source.national_basis,
        total_points=source.total_points,
        bonus_cap=source.bonus_cap,
        penalty_cap=source.penalty_cap,
        level_labels=list(source.level_labels),
        copied_from=source,
        is_illustrative=source.is_illustrative,
        notes=source.notes,
        created_by=user,
    )
    copy.full_clean()
    copy.save()
    specs = node_specs(source)
    if specs:
        criteria_set_replace_tree(criteria_set=copy, nodes=specs, bands=band_specs(source))
    else:
        Band.objects.bulk_create(
            Band(criteria_set=copy, position=band.position, **_band_fields(band))
            for band in source.bands.all()
        )
    return copy


def _band_fields(band: Band) -> dict:
    return {
        "name": band.name,
        "lower": band.lower,
        "lower_inclusive": band.lower_inclusive,
        "upper": band.upper,
        "upper_inclusive": band.upper_inclusive,
    }


@transaction.atomic
def criteria_set_issue(
    *, criteria_set: CriteriaSet, decision_number: str, decision_date: datetime.date, user: User | None
) -> CriteriaSet:
    """Record that the set was issued by its decision: checked in full
    first (``criteria_set_problems``); from then on it never changes."""
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if criteria_set.is_issued:
        raise ValidationError(_("Bộ tiêu chí này đã ban hành."))
    problems = criteria_set_problems(criteria_set)
    if not (decision_number or "").strip():
        problems.append(_("Chưa ghi số quyết định ban hành."))
    if decision_date is None:
        problems.append(_("Chưa ghi ngày ban hành."))
    if problems:
        raise ValidationError(problems)
    criteria_set.decision_number = decision_number.strip()
    criteria_set.decision_date = decision_date
    criteria_set.full_clean()
    criteria_set.status = SetStatus.ISSUED
    criteria_set.issued_at = timezone.now()
    criteria_set.issued_by = user
    criteria_set.save()
    return criteria_set


@transaction.atomic
def criteria_set_delete(*, criteria_set: CriteriaSet) -> None:
    """Delete a draft (with its tree and bands); an issued set is kept."""
    _check_draft(criteria_set)
    criteria_set.delete()
