"""Changes to plans, teams, inspections, findings and remediation tasks.

Services take keyword-only arguments, validate with ``full_clean()`` before
saving and run in a transaction. Views, admin actions, tasks and commands all
call them; none of them writes these models another way.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.models import ReformArea, Unit, User

from .choices import FindingKind, InspectionStatus, TaskStatus
from .models import Finding, Inspection, InspectionPlan, InspectionTeam, RemediationTask, TeamMember


class StaleEditError(ValidationError):
    """Someone else saved the record after the user opened it."""


@transaction.atomic
def plan_create(
    *,
    year: int,
    number: str,
    issued_on: datetime.date,
    issuer: Unit,
    title: str,
    planned_units: list[Unit] = (),
    created_by: User | None = None,
) -> InspectionPlan:
    plan = InspectionPlan(
        year=year,
        number=number.strip(),
        issued_on=issued_on,
        issuer=issuer,
        title=title,
        created_by=created_by,
    )
    plan.full_clean()
    plan.save()
    if planned_units:
        plan.planned_units.set(planned_units)
    return plan


@transaction.atomic
def plan_update(*, plan: InspectionPlan, planned_units: list[Unit] | None = None, **fields) -> InspectionPlan:
    """Change a plan. A unit that already has an inspection in the plan
    cannot be taken out of it."""
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    if planned_units is not None:
        inspected = set(plan.inspections.values_list("unit_id", flat=True))
        missing = inspected - {unit.pk for unit in planned_units}
        if missing:
            names = ", ".join(str(u) for u in Unit.objects.filter(pk__in=missing))
            raise ValidationError(
                {"planned_units": _("Không thể bỏ đơn vị đã có cuộc kiểm tra: %(units)s.") % {"units": names}}
            )
        plan.planned_units.set(planned_units)
    return plan


@transaction.atomic
def team_members_set(*, team: InspectionTeam, members: list[dict]) -> None:
    """Replace a team's members with ``members`` (dicts of ``TeamMember``
    fields), in order."""
    team.members.all().delete()
    for order, fields in enumerate(members, start=1):
        member = TeamMember(team=team, order=order, **fields)
        member.full_clean()
        member.save()


@transaction.atomic
def team_update(*, team: InspectionTeam, members: list[dict] | None = None, **fields) -> InspectionTeam:
    for name, value in fields.items():
        setattr(team, name, value)
    team.full_clean()
    team.save()
    if members is not None:
        team_members_set(team=team, members=members)
    return team


@transaction.atomic
def team_create(
    *,
    plan: InspectionPlan,
    name: str,
    decision_number: str,
    decision_date: datetime.date,
    decision_issuer: Unit,
    document_symbol: str = "",
    members: list[dict] = (),
) -> InspectionTeam:
    """Create a team; ``members`` are dicts of ``TeamMember`` fields in order."""
    team = InspectionTeam(
        plan=plan,
        name=name,
        decision_number=decision_number,
        decision_date=decision_date,
        decision_issuer=decision_issuer,
        document_symbol=document_symbol,
    )
    team.full_clean()
    team.save()
    team_members_set(team=team, members=members)
    return team


@transaction.atomic
def inspection_create(
    *,
    plan: InspectionPlan,
    unit: Unit,
    inspected_on: datetime.date,
    team: InspectionTeam | None = None,
    introduction: str = "",
    created_by: User | None = None,
) -> Inspection:
    inspection = Inspection(
        plan=plan,
        unit=unit,
        inspected_on=inspected_on,
        team=team,
        introduction=introduction,
        status=InspectionStatus.IN_PROGRESS,
        created_by=created_by,
    )
    inspection.full_clean()
    inspection.save()
    return inspection


def _check_area(reform_area: ReformArea, inspection: Inspection) -> None:
    if not reform_area.is_valid_in(inspection.plan.year):
        raise ValidationError(
            {
                "reform_area": _("Lĩnh vực “%(area)s” không áp dụng cho năm %(year)s.")
                % {"area": reform_area, "year": inspection.plan.year}
            }
        )


@transaction.atomic
def finding_create(
    *,
    inspection: Inspection,
    kind: str,
    reform_area: ReformArea,
    text: str,
    created_by: User | None = None,
    position: int | None = None,
) -> Finding:
    """Add a point at the end of its part (or at ``position``, moving the
    points after it down)."""
    _check_area(reform_area, inspection)
    siblings = Finding.objects.select_for_update().filter(inspection=inspection, kind=kind)
    last = siblings.aggregate(last=Max("position"))["last"] or 0
    if position is None or position > last:
        position = last + 1
    else:
        position = max(position, 1)
        siblings.filter(position__gte=position).update(position=F("position") + 1)
    finding = Finding(
        inspection=inspection,
        kind=kind,
        reform_area=reform_area,
        text=text,
        position=position,
        created_by=created_by,
    )
    finding.full_clean()
    finding._history_user = created_by
    finding.save()
    return finding


@transaction.atomic
def finding_update(
    *,
    finding: Finding,
    expected_version: int,
    text: str,
    reform_area: ReformArea,
    updated_by: User | None = None,
) -> Finding:
    """Change a point's text or area. A save based on an older version than
    the one stored is refused, so nobody overwrites a colleague silently."""
    current = Finding.objects.select_for_update().get(pk=finding.pk)
    if current.version != expected_version:
        raise StaleEditError(
            _("Nội dung này đã được %(who)s sửa lúc %(when)s. Hãy xem bản mới trước khi lưu.")
            % {
                "who": current.history.first().history_user or _("người khác"),
                "when": timezone.localtime(current.updated_at).strftime("%H:%M %d/%m/%Y"),
            }
        )
    _check_area(reform_area, current.inspection)
    current.text = text
    current.reform_area = reform_area
    # The row is locked (select_for_update), so a plain increment is safe.
    current.version += 1
    current.full_clean()
    current._history_user = updated_by
    current.save()
    return current


@transaction.atomic
def finding_delete(*, finding: Finding, deleted_by: User | None = None) -> None:
    inspection_id, kind, position = finding.inspection_id, finding.kind, finding.position
    finding._history_user = deleted_by
    finding.delete()
    Finding.objects.filter(inspection_id=inspection_id, kind=kind, position__gt=position).update(
        position=F("position") - 1
    )


@transaction.atomic
def finding_reorder(
    *, inspection: Inspection, kind: str, ordered_ids: list[int], user: User | None = None
) -> None:
    """Number the points of one part in the order given (all of them)."""
    findings = {f.pk: f for f in Finding.objects.select_for_update().filter(inspection=inspection, kind=kind)}
    if set(ordered_ids) != set(findings) or len(ordered_ids) != len(findings):
        raise ValidationError(_("Danh sách sắp xếp không khớp với các nội dung hiện có; hãy tải lại trang."))
    changed = []
    for position, pk in enumerate(ordered_ids, start=1):
        finding = findings[pk]
        if finding.position != position:
            finding.position = position
            finding._history_user = user
            changed.append(finding)
    for finding in changed:
        finding.save(update_fields=["position", "updated_at"])


@transaction.atomic
def finding_move(*, finding: Finding, offset: int, user: User | None = None) -> None:
    """Move a point up (negative ``offset``) or down within its part."""
    ids = list(
        Finding.objects.filter(inspection_id=finding.inspection_id, kind=finding.kind)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = ids.index(finding.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    if target != index:
        ids.insert(target, ids.pop(index))
        finding_reorder(inspection=finding.inspection, kind=finding.kind, ordered_ids=ids, user=user)


@transaction.atomic
def findings_create_many(
    *,
    inspection: Inspection,
    kind: str,
    reform_area: ReformArea,
    texts: list[str],
    created_by: User | None = None,
) -> list[Finding]:
    """Add several points at the end of a part, in order (a pasted block)."""
    return [
        finding_create(
            inspection=inspection, kind=kind, reform_area=reform_area, text=text, created_by=created_by
        )
        for text in texts
    ]


@transaction.atomic
def tasks_set_deadline(*, inspection: Inspection, deadline: datetime.date, user: User | None = None) -> int:
    """One deadline for every task of an inspection not yet accepted."""
    tasks = list(inspection.tasks.exclude(status=TaskStatus.ACCEPTED))
    for task in tasks:
        task.deadline = deadline
        task.full_clean()
        task._history_user = user
        task.save(update_fields=["deadline", "updated_at"])
    return len(tasks)


@transaction.atomic
def task_create(
    *,
    inspection: Inspection,
    description: str,
    deadline: datetime.date,
    responsible_unit: Unit | None = None,
    finding: Finding | None = None,
    reform_area: ReformArea | None = None,
    created_by: User | None = None,
) -> RemediationTask:
    """A remediation task; by default the inspected unit is responsible."""
    if finding is not None and finding.kind != FindingKind.RECOMMENDATION:
        raise ValidationError({"finding": _("Chỉ nội dung kiến nghị mới tạo được nhiệm vụ khắc phục.")})
    if finding is not None and RemediationTask.objects.filter(finding=finding).exists():
        raise ValidationError({"finding": _("Kiến nghị này đã được giao nhiệm vụ khắc phục.")})
    task = RemediationTask(
        inspection=inspection,
        finding=finding,
        description=description,
        deadline=deadline,
        responsible_unit=responsible_unit or inspection.unit,
        reform_area=reform_area or (finding.reform_area if finding else None),
        status=TaskStatus.OPEN,
        created_by=created_by,
    )
    task.full_clean()
    task._history_user = created_by
    task.save()
    return task
