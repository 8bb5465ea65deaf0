"""Scoped reads of inspections and what hangs off them.

Provincial staff (inspectors, leaders, administrators) see the plans issued
by units in their scope, with every inspection in them, drafts included. An
inspected unit's people see their own inspections only once the conclusion
is issued, and the tasks their units are responsible for.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext_lazy as _

from cchc.access import action_roles, can, scope_q
from cchc.models import OfficialDocument
from cchc.models.documents import ISSUED_STATUSES
from cchc.text import fold

from .choices import FindingKind, RemediationReportStatus
from .models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    RemediationReport,
    RemediationReportItem,
    RemediationTask,
    ReportFile,
    TaskAssignment,
    TeamMember,
)


def _inspection_q(user, prefix: str = "") -> Q:
    staff = scope_q(user, f"{prefix}plan__issuer", action_roles("plan.view"))
    inspected = scope_q(user, f"{prefix}unit") & Q(**{f"{prefix}notice_issued_at__isnull": False})
    return staff | inspected


def plans_visible(user):
    """Plans issued by units in the user's staff scope."""
    if not can(user, "plan.view"):
        return InspectionPlan.objects.none()
    return InspectionPlan.objects.filter(scope_q(user, "issuer", action_roles("plan.view")))


def inspections_visible(user):
    """Inspections a user may open; anything else is a 404."""
    if not user.is_authenticated:
        return Inspection.objects.none()
    return Inspection.objects.filter(_inspection_q(user))


def inspection_list(user, *, year=None, plan=None, unit=None, status=None, q=None):
    """Inspections for the list page, filtered; ``q`` ignores diacritics and
    matches the unit's name or the plan's number and title."""
    queryset = inspections_visible(user)
    if year:
        queryset = queryset.filter(plan__year=year)
    if plan:
        queryset = queryset.filter(plan=plan)
    if unit:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if status:
        queryset = queryset.filter(status=status)
    if q and fold(q):
        for word in fold(q).split(" "):
            queryset = queryset.filter(
                Q(unit__search_key__contains=word) | Q(plan__search_key__contains=word)
            )
    return (
        queryset.select_related("plan", "plan__issuer", "unit", "team")
        .annotate(
            finding_count=Count("findings", distinct=True),
            task_count=Count("tasks", distinct=True),
        )
        .order_by("-inspected_on", "-id")
    )


def inspections_editable(user):
    """Inspections whose findings and tasks the user may change: those of
    plans issued in an inspector's (or administrator's) scope."""
    if not can(user, "finding.edit"):
        return Inspection.objects.none()
    return Inspection.objects.filter(scope_q(user, "plan__issuer", action_roles("finding.edit")))


def inspections_reportable(user):
    """Inspections whose conclusion is issued, which the user's own units
    report on: inspected, or given one of its tasks (a district's officer
    reads its communes' inspections but reports on none of them)."""
    roles = action_roles("report.write")
    own_tasks = RemediationTask.objects.filter(
        scope_q(user, "responsible_unit", roles, write=True, own=True), inspection=OuterRef("pk")
    )
    return inspections_visible(user).filter(
        Q(notice_issued_at__isnull=False)
        & (scope_q(user, "unit", roles, write=True, own=True) | Exists(own_tasks))
    )


def findings_editable(user):
    """Points of the inspections the user may edit, with what their forms
    and parts show."""
    if not can(user, "finding.edit"):
        return Finding.objects.none()
    return Finding.objects.filter(
        scope_q(user, "inspection__plan__issuer", action_roles("finding.edit"))
    ).select_related("inspection__plan", "inspection__unit", "reform_area", "task")


def plan_list(user, *, year=None):
    queryset = plans_visible(user)
    if year:
        queryset = queryset.filter(year=year)
    return (
        queryset.select_related("issuer")
        .annotate(
            planned_count=Count("planned_units", distinct=True),
            inspection_count=Count("inspections", distinct=True),
            issued_count=Count(
                "inspections", filter=Q(inspections__notice_issued_at__isnull=False), distinct=True
            ),
        )
        .order_by("-year", "-issued_on", "-id")
    )


def plan_detail(user):
    return (
        plans_visible(user)
        .select_related("issuer")
        .prefetch_related(
            Prefetch("teams", queryset=InspectionTeam.objects.select_related("decision_issuer")),
            Prefetch("teams__members", queryset=TeamMember.objects.select_related("organisation")),
            Prefetch(
                "inspections",
                queryset=Inspection.objects.select_related("unit", "team").order_by("inspected_on"),
            ),
            "planned_units",
        )
    )


def plans_editable(user):
    if not can(user, "plan.edit"):
        return InspectionPlan.objects.none()
    return InspectionPlan.objects.filter(scope_q(user, "issuer", action_roles("plan.edit")))


def teams_editable(user):
    """Teams of the plans the user may edit."""
    if not can(user, "plan.edit"):
        return InspectionTeam.objects.none()
    return InspectionTeam.objects.filter(scope_q(user, "plan__issuer", action_roles("plan.edit")))


def plan_years(user) -> list[int]:
    return sorted(set(plans_visible(user).values_list("year", flat=True)), reverse=True)


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object
    action: str
    subject: str
    changes: list[str]
    excerpt: str
    reason: str = ""


_ACTIONS = {"+": _("thêm"), "~": _("sửa"), "-": _("xóa")}
_FINDING_FIELDS = {"text": _("nội dung"), "reform_area_id": _("lĩnh vực"), "position": _("thứ tự")}
_TASK_FIELDS = {
    "description": _("nội dung"),
    "deadline": _("hạn báo cáo"),
    "responsible_unit_id": _("đơn vị thực hiện"),
    "status": _("trạng thái"),
}


def inspection_history(inspection: Inspection, limit: int = 50) -> list[HistoryEntry]:
    """Who added, changed or removed which point or task, and what changed,
    newest first (two queries, whatever the number of points)."""
    kinds = dict(FindingKind.choices)
    entries: list[HistoryEntry] = []
    sources = (
        (Finding.history.filter(inspection_id=inspection.pk), _FINDING_FIELDS, "finding"),
        (RemediationTask.history.filter(inspection_id=inspection.pk), _TASK_FIELDS, "task"),
    )
    for queryset, fields, label in sources:
        previous: dict[int, object] = {}
        for record in queryset.select_related("history_user").order_by("history_date", "history_id"):
            before = previous.get(record.id)
            changes = []
            if record.history_type == "~" and before is not None:
                changes = [
                    str(name)
                    for field, name in fields.items()
                    if getattr(before, field) != getattr(record, field)
                ]
                if not changes and not record.history_change_reason:
                    previous[record.id] = record
                    continue
            previous[record.id] = record
            if label == "finding":
                subject = _("%(part)s, điểm %(n)s") % {
                    "part": kinds.get(record.kind, ""),
                    "n": record.position,
                }
                excerpt = record.text
            else:
                subject = _("nhiệm vụ khắc phục")
                excerpt = record.description
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=record.history_user,
                    action=str(_ACTIONS.get(record.history_type, "")),
                    subject=str(subject),
                    changes=changes,
                    excerpt=excerpt,
                    reason=record.history_change_reason or "",
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def inspection_detail(user):
    """Inspections with what their page shows, in a fixed number of queries."""
    return (
        inspections_visible(user)
        .select_related("plan", "plan__issuer", "unit", "team")
        .prefetch_related(
            "team__members",
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related(
                    "reform_area", "task", "task__responsible_unit"
                ).order_by("kind", "position", "id"),
            ),
            Prefetch(
                "tasks",
                queryset=RemediationTask.objects.with_deadline_facts().select_related(
                    "responsible_unit", "finding"
                ),
            ),
        )
    )


#: A task reaches its unit once its conclusion is issued, or at once when a
#: document assigned it (its tasks are created when it gets its number).
TASK_DELIVERED_Q = Q(inspection__notice_issued_at__isnull=False) | Q(source_document__isnull=False)


def _document_staff_q(user, prefix: str = "", action: str = "plan.view") -> Q:
    """Staff of the document's issuer, and of the unit monitoring the task."""
    roles = action_roles(action)
    return scope_q(user, f"{prefix}source_document__issuing_unit", roles) | scope_q(
        user, f"{prefix}monitoring_unit", roles
    )


def tasks_visible(user):
    """Tasks of inspections a user may see, tasks of documents issued or
    monitored in their staff scope, and tasks their units must do once
    delivered."""
    if not user.is_authenticated:
        return RemediationTask.objects.none()
    responsible = scope_q(user, "responsible_unit") & TASK_DELIVERED_Q
    documents = Q(source_document__isnull=False) & _document_staff_q(user)
    return RemediationTask.objects.filter(_inspection_q(user, "inspection__") | responsible | documents)


def findings_by_kind(inspection: Inspection) -> list[tuple[str, str, list[Finding]]]:
    """The three parts of a conclusion, in print order, with their points."""
    findings = list(inspection.findings.all())
    return [
        (kind.value, kind.label, [f for f in findings if f.kind == kind.value])
        for kind in (FindingKind.ACHIEVEMENT, FindingKind.SHORTCOMING, FindingKind.RECOMMENDATION)
    ]


def reports_visible(user):
    """Reports of units in the user's scope, and reports on inspections of
    plans in their staff scope."""
    if not user.is_authenticated:
        return RemediationReport.objects.none()
    return RemediationReport.objects.filter(
        scope_q(user, "unit")
        | scope_q(user, "inspection__plan__issuer", action_roles("plan.view"))
        | (Q(source_document__isnull=False) & _report_monitor_q(user, "plan.view"))
    )


def _report_monitor_q(user, action: str) -> Q:
    """Reports on a document's tasks, for staff of its issuer or of a unit
    that monitors one of the reported tasks."""
    roles = action_roles(action)
    monitored = RemediationReportItem.objects.filter(scope_q(user, "task__monitoring_unit", roles)).values(
        "report_id"
    )
    return scope_q(user, "source_document__issuing_unit", roles) | Q(pk__in=monitored)


def reports_writable(user):
    """Reports the user may fill in and submit: their units' own."""
    if not can(user, "report.write"):
        return RemediationReport.objects.none()
    return RemediationReport.objects.filter(
        scope_q(user, "unit", action_roles("report.write"), write=True, own=True)
    )


def reports_reviewable(user):
    """Reports the user may review: on inspections they may edit, and on a
    document's tasks, those of the document's issuer or monitored by their
    unit."""
    if not can(user, "report.review"):
        return RemediationReport.objects.none()
    return RemediationReport.objects.filter(
        scope_q(user, "inspection__plan__issuer", action_roles("report.review"))
        | (Q(source_document__isnull=False) & _report_monitor_q(user, "report.review"))
    )


def report_items_writable(user):
    """Items (one per task) of the reports the user may fill in."""
    return RemediationReportItem.objects.select_related("report", "task").filter(
        report__in=reports_writable(user)
    )


def report_items_reviewable(user):
    """Items of the reports the user may review."""
    return RemediationReportItem.objects.select_related("report", "task").filter(
        report__in=reports_reviewable(user)
    )


def report_files_visible(user):
    """Files of the reports the user may see: served only through this."""
    return ReportFile.objects.filter(report__in=reports_visible(user))


def report_files_writable(user):
    """Files of the reports the user may still change."""
    return ReportFile.objects.select_related("report").filter(report__in=reports_writable(user))


def unit_tasks(user, today=None):
    """Tasks the user's units must do (conclusion issued), with what the
    unit's task list shows, in a fixed number of queries."""
    if not user.is_authenticated:
        return RemediationTask.objects.none()
    # When the unit last sent a report on the task: a task reported or
    # accepted says what happened instead of a count of days.
    reported_at = (
        RemediationReportItem.objects.filter(task=OuterRef("pk"), report__submitted_at__isnull=False)
        .order_by("-report__submitted_at")
        .values("report__submitted_at")[:1]
    )
    return (
        RemediationTask.objects.filter(scope_q(user, "responsible_unit"), TASK_DELIVERED_Q)
        .with_deadline_facts(today)
        .annotate(reported_at=Subquery(reported_at))
        .select_related(
            "responsible_unit",
            "inspection__unit",
            "inspection__plan",
            "reform_area",
            "source_document",
            "monitoring_unit",
        )
        .order_by("deadline", "id")
    )


def review_queue(user):
    return (
        reports_reviewable(user)
        .filter(status=RemediationReportStatus.SUBMITTED)
        .select_related("unit", "inspection__unit", "inspection__plan", "submitted_by", "source_document")
        .annotate(task_count=Count("items"))
        .order_by("submitted_at", "id")
    )


def overdue_by_unit(user, today):
    """Overdue tasks in the user's staff scope, grouped by responsible unit."""
    tasks = (
        tasks_visible(user)
        .filter(
            scope_q(user, "inspection__plan__issuer", action_roles("task.overdue.view"))
            | (Q(source_document__isnull=False) & _document_staff_q(user, action="task.overdue.view"))
        )
        .overdue(today)
        .select_related("responsible_unit", "inspection__unit", "source_document")
        .order_by("responsible_unit__name", "deadline", "id")
    )
    groups: dict = {}
    for task in tasks:
        groups.setdefault(task.responsible_unit, []).append(task)
    return groups


def documents_monitored(user, action: str = "task.monitor"):
    """Documents that assigned tasks, for staff of their issuer or of a
    unit that monitors them: the monitoring matrix and its export."""
    if not can(user, action):
        return OfficialDocument.objects.none()
    roles = action_roles(action)
    monitored = TaskAssignment.objects.filter(scope_q(user, "monitoring_unit", roles)).values("document_id")
    return OfficialDocument.objects.filter(
        Q(pk__in=TaskAssignment.objects.values("document_id"), status__in=ISSUED_STATUSES)
        & (scope_q(user, "issuing_unit", roles) | Q(pk__in=monitored))
    )


def documents_reportable(user):
    """Issued documents that assigned tasks to the user's units."""
    if not can(user, "report.write"):
        return OfficialDocument.objects.none()
    tasks = RemediationTask.objects.filter(
        scope_q(user, "responsible_unit", action_roles("report.write"), write=True, own=True)
    )
    return OfficialDocument.objects.filter(
        pk__in=tasks.exclude(source_document=None).values("source_document_id")
    )


def tasks_to_hand_over(user):
    """Open tasks of units that ended, followed by the user's province: on
    inspections of a plan their units issued, or on documents their units
    monitor (or issued, without a monitoring unit). ``inspections.handover``
    checks that the unit was split."""
    if not can(user, "task.hand_over"):
        return RemediationTask.objects.none()
    roles = action_roles("task.hand_over")
    followed = scope_q(user, "inspection__plan__issuer", roles) | (
        Q(source_document__isnull=False)
        & (
            scope_q(user, "monitoring_unit", roles)
            | (Q(monitoring_unit__isnull=True) & scope_q(user, "source_document__issuing_unit", roles))
        )
    )
    return (
        RemediationTask.objects.open()
        .filter(followed, responsible_unit__valid_to__isnull=False)
        .select_related("responsible_unit", "inspection__unit", "source_document", "monitoring_unit")
    )


def task_detail(user):
    """A task with its reports, for the drill into a matrix cell."""
    return tasks_visible(user).select_related(
        "responsible_unit", "monitoring_unit", "source_document", "inspection__unit", "assignment"
    )
