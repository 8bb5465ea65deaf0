"""Reactions of the inspections app to kernel events."""

import datetime

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.choices import DocumentKind
from cchc.models import OfficialDocument, Unit
from cchc.notifications import notify_on_commit
from cchc.signals import document_issued, document_published, par_tasks_proposed, unit_ended

from .assignments import assignments_issue
from .choices import InspectionStatus, TaskStatus
from .models import Inspection, InspectionPlan, InspectionTeam, RemediationTask
from .remediation import officers_of

# simple_history's ``history_change_reason`` is a CharField(max_length=100).
CHANGE_REASON_MAX = 100


@receiver(unit_ended, sender=Unit, dispatch_uid="inspections_tasks_follow_successor")
def tasks_follow_successor(sender, unit, successors, last_day, **kwargs):
    """A task of a unit that ended passes to its successor, and its history
    says so. When several units took over (a split), the task stays with the
    ended unit: every successor reads it, none writes for it (the split
    unit is outside their write scope, ``cchc.access``) until the province
    hands it to one of them (``inspections.handover.task_hand_over``)."""
    tasks = RemediationTask.objects.filter(responsible_unit=unit).exclude(status=TaskStatus.ACCEPTED)
    names = ", ".join(str(s) for s in successors)
    for task in tasks:
        if len(successors) == 1:
            task.responsible_unit = successors[0]
            task._change_reason = _("Chuyển từ %(old)s sang %(new)s (đơn vị kế thừa từ ngày %(date)s).") % {
                "old": unit,
                "new": successors[0],
                "date": (last_day + datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            }
        else:
            task._change_reason = _("%(old)s kết thúc ngày %(date)s; các đơn vị kế thừa: %(names)s.") % {
                "old": unit,
                "date": last_day.strftime("%d/%m/%Y"),
                "names": names,
            }
        # The history keeps at most 100 characters of a reason (a district
        # split between several communes names them all).
        if len(task._change_reason) > CHANGE_REASON_MAX:
            task._change_reason = task._change_reason[: CHANGE_REASON_MAX - 1] + "…"
        task.save()


@receiver(document_published, sender=OfficialDocument, dispatch_uid="inspections_notice_published")
def notice_published(sender, document, **kwargs):
    """Publishing a conclusion notice issues the inspection's conclusion:
    from now on the inspected unit sees it and its tasks."""
    if document.kind != DocumentKind.CONCLUSION_NOTICE:
        return
    inspection = Inspection.objects.select_for_update().get(pk=document.source_id)
    if inspection.notice_issued_at is None:
        inspection.notice_issued_at = document.published_at or timezone.now()
        inspection.status = InspectionStatus.CONCLUDED
        inspection.save(update_fields=["notice_issued_at", "status", "updated_at"])
    # The inspected unit hears of it (in the app and by e-mail).
    link = reverse("inspections:inspection_detail", args=[inspection.pk])
    notify_on_commit(
        lambda: {
            "users": officers_of(inspection.unit),
            "subject": _("Đã có kết luận kiểm tra: %(number)s") % {"number": document.number_symbol},
            "message": _(
                "Đoàn kiểm tra đã phát hành %(number)s về kết quả kiểm tra tại %(unit)s; "
                "xem kết luận và các nhiệm vụ khắc phục của đơn vị."
            )
            % {"number": document.number_symbol, "unit": inspection.unit},
            "link": link,
        }
    )


@receiver(document_issued, sender=OfficialDocument, dispatch_uid="inspections_assigned_tasks_created")
def assigned_tasks_created(sender, document, **kwargs):
    """A document whose points assign tasks creates them when it gets its
    number; a refusal (a ``ValidationError`` naming the point) rolls the
    issue back."""
    assignments_issue(document=document)


@receiver(document_issued, sender=OfficialDocument, dispatch_uid="inspections_plan_or_decision_issued")
def plan_or_decision_issued(sender, document, **kwargs):
    """A plan or a team's founding decision issued from the app: the plan
    and the team take its number and date, which every notice cites."""
    if document.kind == DocumentKind.INSPECTION_PLAN and isinstance(document.source, InspectionPlan):
        InspectionPlan.objects.filter(pk=document.source_id).update(
            number=document.number_symbol, issued_on=document.issued_on
        )
    elif document.kind == DocumentKind.TEAM_DECISION and isinstance(document.source, InspectionTeam):
        InspectionTeam.objects.filter(pk=document.source_id).update(
            decision_number=document.number_symbol, decision_date=document.issued_on
        )


@receiver(par_tasks_proposed, dispatch_uid="inspections_par_tasks")
def par_tasks_created(sender, document, tasks, **kwargs):
    """The PAR index's lost points, proposed as remediation tasks of the
    decision that published it (once: a second issue creates nothing)."""
    if RemediationTask.objects.filter(source_document=document).exists():
        return
    RemediationTask.objects.bulk_create(
        [
            RemediationTask(
                source_document=document,
                responsible_unit_id=task["responsible_unit_id"],
                monitoring_unit_id=task.get("monitoring_unit_id"),
                description=task["description"],
                deadline=task["deadline"],
                created_by=document.issued_by,
            )
            for task in tasks
        ]
    )
