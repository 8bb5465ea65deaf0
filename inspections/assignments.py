"""Tasks that a document's numbered points assign to many units (seed 004's
công văn, seed 002's conference conclusions, a report's deadline).

While drafting, each numbered point may get a ``TaskAssignment``: units
chosen one by one or as groups, a deadline (a date, N days or N working days
after issue, or periodic with a first due date) and a monitoring unit. When
the document gets its number (``document_issued``), every assignment is
checked, its groups are resolved against the unit tree on the issue date
and stored, and one ``RemediationTask`` per (point, unit) is created; a
refusal names the point and nothing is issued. Periodic tasks get one task
row per period (``periodic_tasks_advance``, run daily), so each period has
its own report and review. The document's text is never changed.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cchc.choices import DocumentKind, UnitKind
from cchc.models import OfficialDocument, Unit, User

from .choices import RECURRENCE_MONTHS, DeadlineKind, Recurrence, TaskStatus, UnitGroup
from .models import Inspection, InspectionPlan, RemediationTask, TaskAssignment
from .workdays import add_working_days

#: The kinds whose numbered points can assign tasks.
ASSIGNING_KINDS = (
    DocumentKind.FOLLOW_UP_LETTER,
    DocumentKind.CONFERENCE_NOTICE,
    DocumentKind.INSPECTION_REPORT,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day (31/1 + 1 → 28/2)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def document_points(document: OfficialDocument) -> list[tuple[int, int, str]]:
    """(section, point, text) of every numbered point of the document, as
    printed ("1.", "2."...; sections of dashes or letters assign nothing)."""
    points = []
    for index, section in enumerate((document.content or {}).get("sections") or []):
        if not isinstance(section, dict) or section.get("numbered", True) is not True:
            continue
        for number, text in enumerate(section.get("points") or [], start=1):
            points.append((index, number, str(text)))
    return points


def point_text(document: OfficialDocument, section: int, point: int) -> str:
    return next((t for s, p, t in document_points(document) if (s, p) == (section, point)), "")


def committee_of(unit: Unit) -> Unit:
    """The committee a unit belongs to: itself for a province, district or
    commune committee, otherwise the nearest committee above it (the office
    of a committee issues its conference notices)."""
    committees = (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE)
    current = unit
    while current.kind not in committees and current.parent_id:
        current = current.parent
    return current


def resolve_group(document: OfficialDocument, group: str, day: datetime.date) -> list[Unit]:
    """The units of a group on ``day``, against the unit tree."""
    committee = committee_of(document.issuing_unit)
    units = Unit.objects.active_on(day)
    if group == UnitGroup.DEPARTMENTS:
        found = units.filter(parent=committee).filter(
            Q(kind=UnitKind.DEPARTMENT) | Q(kind=UnitKind.OFFICE, name__istartswith="Phòng")
        )
    elif group == UnitGroup.DISTRICTS:
        found = units.filter(parent=committee, kind=UnitKind.DISTRICT)
    elif group == UnitGroup.COMMUNES:
        found = units.filter(path__startswith=committee.path, kind=UnitKind.COMMUNE)
    elif group == UnitGroup.RECIPIENTS:
        found = units.filter(pk__in=document.recipient_units.values("pk"))
    elif group == UnitGroup.INSPECTED:
        source = document.source
        if isinstance(source, InspectionPlan):
            found = units.filter(pk__in=source.planned_units.values("pk"))
        elif isinstance(source, Inspection):
            found = units.filter(pk=source.unit_id)
        else:
            found = units.none()
    else:
        found = units.none()
    return list(found.order_by("path"))


def _label(assignment: TaskAssignment) -> str:
    return _("Điểm %(n)s") % {"n": assignment.point}


def check_assignment(assignment: TaskAssignment, *, units: list[Unit], issued_on=None) -> list[str]:
    """What is wrong with an assignment, each message naming its point; with
    ``issued_on``, also what only the issue date decides."""
    label = _label(assignment)
    problems = []
    if not units and not assignment.groups:
        problems.append(_("%(point)s: chưa chọn đơn vị thực hiện.") % {"point": label})
    unknown = [g for g in assignment.groups or [] if g not in UnitGroup.values]
    if unknown:
        problems.append(_("%(point)s: nhóm đơn vị không hợp lệ.") % {"point": label})
    kind = assignment.deadline_kind
    if kind == DeadlineKind.DATE and not assignment.deadline_date:
        problems.append(_("%(point)s: chưa nhập hạn thực hiện.") % {"point": label})
    if kind in (DeadlineKind.DAYS, DeadlineKind.WORKING_DAYS) and not assignment.days:
        problems.append(_("%(point)s: chưa nhập số ngày thực hiện.") % {"point": label})
    if kind == DeadlineKind.PERIODIC:
        if not assignment.recurrence:
            problems.append(_("%(point)s: chưa chọn kỳ báo cáo.") % {"point": label})
        if not assignment.first_due:
            problems.append(_("%(point)s: nhiệm vụ định kỳ phải có hạn báo cáo kỳ đầu.") % {"point": label})
    if assignment.monitoring_unit_id:
        committee = committee_of(assignment.document.issuing_unit)
        if not assignment.monitoring_unit.path.startswith(committee.path):
            problems.append(
                _("%(point)s: đơn vị theo dõi %(unit)s không thuộc phạm vi của %(issuer)s.")
                % {"point": label, "unit": assignment.monitoring_unit, "issuer": committee}
            )
    if issued_on is not None:
        first = assignment.deadline_date if kind == DeadlineKind.DATE else assignment.first_due
        if kind in (DeadlineKind.DATE, DeadlineKind.PERIODIC) and first and first < issued_on:
            problems.append(
                _("%(point)s: hạn %(date)s trước ngày ban hành %(issued)s.")
                % {
                    "point": label,
                    "date": first.strftime("%d/%m/%Y"),
                    "issued": issued_on.strftime("%d/%m/%Y"),
                }
            )
    return problems


@transaction.atomic
def assignment_save(
    *,
    document: OfficialDocument,
    section: int,
    point: int,
    units: list[Unit],
    groups: list[str],
    deadline_kind: str,
    deadline_date: datetime.date | None = None,
    days: int | None = None,
    recurrence: str = "",
    first_due: datetime.date | None = None,
    monitoring_unit: Unit | None = None,
    user: User | None = None,
) -> TaskAssignment:
    """Set what a point of a draft assigns (replacing what it assigned)."""
    if document.status != "draft":
        raise ValidationError(_("Văn bản đã cấp số; không sửa việc giao nhiệm vụ được nữa."))
    if document.kind not in ASSIGNING_KINDS:
        raise ValidationError(_("Loại văn bản này không giao nhiệm vụ."))
    if not point_text(document, section, point):
        raise ValidationError(_("Văn bản không có điểm %(n)s.") % {"n": point})
    assignment = TaskAssignment.objects.filter(document=document, section=section, point=point).first()
    assignment = assignment or TaskAssignment(document=document, section=section, point=point)
    assignment.groups = [g for g in UnitGroup.values if g in set(groups)]
    assignment.deadline_kind = deadline_kind
    assignment.deadline_date = deadline_date if deadline_kind == DeadlineKind.DATE else None
    assignment.days = days if deadline_kind in (DeadlineKind.DAYS, DeadlineKind.WORKING_DAYS) else None
    assignment.recurrence = recurrence if deadline_kind == DeadlineKind.PERIODIC else ""
    assignment.first_due = first_due if deadline_kind == DeadlineKind.PERIODIC else None
    assignment.monitoring_unit = monitoring_unit
    problems = check_assignment(assignment, units=units)
    if problems:
        raise ValidationError(problems)
    assignment.full_clean()
    assignment.save()
    assignment.units.set(units)
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: TaskAssignment, user: User | None = None) -> None:
    if assignment.document.status != "draft":
        raise ValidationError(_("Văn bản đã cấp số; không sửa việc giao nhiệm vụ được nữa."))
    assignment.delete()


def first_deadline(assignment: TaskAssignment, issued_on: datetime.date) -> datetime.date:
    kind = assignment.deadline_kind
    if kind == DeadlineKind.DATE:
        return assignment.deadline_date
    if kind == DeadlineKind.DAYS:
        return issued_on + datetime.timedelta(days=assignment.days)
    if kind == DeadlineKind.WORKING_DAYS:
        return add_working_days(issued_on, assignment.days)
    return assignment.first_due


def period_deadline(assignment: TaskAssignment, period: int) -> datetime.date:
    months = RECURRENCE_MONTHS[Recurrence(assignment.recurrence)]
    return add_months(assignment.first_due, months * (period - 1))


def assignments_issue(*, document: OfficialDocument) -> list[RemediationTask]:
    """On issue: check every assignment of the document (all refusals at
    once, each naming its point), resolve the groups on the issue date and
    store them, and create one task per (point, unit). Runs inside the
    issuing transaction, so a refusal issues nothing."""
    assignments = list(
        document.task_assignments.select_related(
            "monitoring_unit", "document__issuing_unit"
        ).prefetch_related("units")
    )
    if not assignments:
        return []
    day = document.issued_on
    problems = []
    resolved: dict[int, list[Unit]] = {}
    for assignment in assignments:
        chosen = list(assignment.units.all())
        problems += check_assignment(assignment, units=chosen, issued_on=day)
        units = {u.pk: u for u in chosen if u.is_active_on(day)}
        for group in assignment.groups or []:
            found = resolve_group(document, group, day)
            if not found:
                problems.append(
                    _("%(point)s: nhóm “%(group)s” không có đơn vị nào vào ngày %(date)s.")
                    % {
                        "point": _label(assignment),
                        "group": dict(UnitGroup.choices)[group],
                        "date": day.strftime("%d/%m/%Y"),
                    }
                )
            units.update({u.pk: u for u in found})
        if chosen and not assignment.groups and not units:
            problems.append(
                _("%(point)s: không đơn vị nào được chọn còn hoạt động vào ngày %(date)s.")
                % {"point": _label(assignment), "date": day.strftime("%d/%m/%Y")}
            )
        resolved[assignment.pk] = sorted(units.values(), key=lambda u: u.path)
    if problems:
        raise ValidationError(problems)
    tasks = []
    for assignment in assignments:
        units = resolved[assignment.pk]
        assignment.resolved_on = day
        assignment.save(update_fields=["resolved_on", "updated_at"])
        assignment.resolved_units.set(units)
        text = point_text(document, assignment.section, assignment.point)
        periodic = assignment.deadline_kind == DeadlineKind.PERIODIC
        deadline = first_deadline(assignment, day)
        for unit in units:
            tasks.append(
                RemediationTask(
                    source_document=document,
                    assignment=assignment,
                    point=assignment.point,
                    responsible_unit=unit,
                    monitoring_unit=assignment.monitoring_unit,
                    description=text,
                    deadline=deadline,
                    period=1 if periodic else 0,
                    created_by=document.issued_by,
                )
            )
    created = RemediationTask.objects.bulk_create(tasks)
    return created


def periodic_tasks_advance(*, today: datetime.date) -> int:
    """Open the next period of every periodic task whose current period's
    due date has passed (each period is its own task, reported and reviewed
    on its own). Idempotent; returns the number of tasks created."""
    created = 0
    latest: dict[tuple[int, int], RemediationTask] = {}
    periodic = RemediationTask.objects.filter(
        assignment__deadline_kind=DeadlineKind.PERIODIC, period__gt=0
    ).select_related("assignment", "responsible_unit")
    for task in periodic.order_by("assignment_id", "responsible_unit_id", "period"):
        latest[(task.assignment_id, task.responsible_unit_id)] = task
    new = []
    for task in latest.values():
        if task.responsible_unit.valid_to and task.responsible_unit.valid_to < today:
            continue
        period, deadline = task.period, task.deadline
        while deadline < today:
            period += 1
            deadline = period_deadline(task.assignment, period)
            new.append(
                RemediationTask(
                    source_document_id=task.source_document_id,
                    assignment=task.assignment,
                    point=task.point,
                    responsible_unit_id=task.responsible_unit_id,
                    monitoring_unit_id=task.monitoring_unit_id,
                    description=task.description,
                    deadline=deadline,
                    period=period,
                    status=TaskStatus.OPEN,
                )
            )
    if new:
        created = len(RemediationTask.objects.bulk_create(new, ignore_conflicts=True))
    return created
