"""Remediation: the inspected unit reports what it fixed, with evidence; the
province accepts each task or returns it with a reason; the inspection
closes when every task is accepted.

A report is drafted, then submitted. After a review that returns tasks, the
unit opens a new revision with the returned tasks (what it wrote and the
evidence carried over); submitted revisions are never changed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.access import action_roles, scope_unit_ids
from cchc.audit import audit_record
from cchc.choices import AuditKind, Role
from cchc.models import Membership, OfficialDocument, Unit, User
from cchc.notifications import notify_on_commit
from cchc.services import current_successors
from cchc.uploads import EVIDENCE, REPORT_DOCUMENT, upload_check

from .choices import InspectionStatus, RemediationReportStatus, ReportFileKind, ReviewDecision, TaskStatus
from .models import Inspection, RemediationReport, RemediationReportItem, RemediationTask, ReportFile


def _tasks_of(inspection: Inspection | None, document: OfficialDocument | None):
    if inspection is not None:
        return inspection.tasks.all()
    return RemediationTask.objects.filter(source_document=document)


def _writable_unit_ids(user: User) -> frozenset[int] | None:
    """The units a user reports for: their write scope (a unit split
    between several successors is read by each, written by none)."""
    return scope_unit_ids(user, action_roles("report.write"), write=True, own=True)


def _tasks_to_report(inspection: Inspection | None, user: User, *, document=None, unit=None):
    ids = _writable_unit_ids(user)
    tasks = _tasks_of(inspection, document).open()
    if document is not None:
        # A document's tasks are reported unit by unit.
        return tasks.filter(responsible_unit=unit)
    return tasks if ids is None else tasks.filter(responsible_unit_id__in=ids)


def report_unit(inspection: Inspection | None, user: User, *, document=None) -> Unit:
    """The unit a user reports for: the inspected unit when it is in their
    scope, otherwise the unit their tasks of this inspection (or document)
    belong to."""
    ids = _writable_unit_ids(user)
    if inspection is not None and (ids is None or inspection.unit_id in ids):
        return inspection.unit
    tasks = _tasks_of(inspection, document)
    if ids is not None:
        tasks = tasks.filter(responsible_unit_id__in=ids)
    task = tasks.select_related("responsible_unit").order_by("responsible_unit__path").first()
    if task is None:
        if inspection is None:
            raise ValidationError(_("Bạn không có nhiệm vụ nào được giao trong văn bản này."))
        raise ValidationError(_("Bạn không có nhiệm vụ khắc phục nào trong cuộc kiểm tra này."))
    return task.responsible_unit


@transaction.atomic
def report_open(
    *, inspection: Inspection | None = None, document: OfficialDocument | None = None, user: User
) -> RemediationReport:
    """The report the unit works on now: its draft, the revision under
    review, or a new revision for the tasks still open or returned. A
    report answers an inspection, or a document that assigned tasks (then
    a periodic task's new period is a new revision)."""
    unit = report_unit(inspection, user, document=document)
    subject = {"inspection": inspection} if inspection is not None else {"source_document": document}
    latest = (
        RemediationReport.objects.select_for_update()
        .filter(unit=unit, **subject)
        .order_by("-revision")
        .first()
    )
    if latest is not None and latest.status in (
        RemediationReportStatus.DRAFT,
        RemediationReportStatus.SUBMITTED,
    ):
        return latest
    tasks = list(_tasks_to_report(inspection, user, document=document, unit=unit))
    if not tasks:
        if latest is not None:
            return latest
        raise ValidationError(_("Không còn nhiệm vụ nào cần báo cáo."))
    report = RemediationReport(
        unit=unit,
        **subject,
        revision=(latest.revision + 1) if latest else 1,
        previous=latest,
        status=RemediationReportStatus.DRAFT,
        document_number=latest.document_number if latest else "",
        document_date=latest.document_date if latest else None,
        summary=latest.summary if latest else "",
    )
    report.full_clean()
    report._history_user = user
    report.save()
    earlier = {item.task_id: item for item in latest.items.all()} if latest else {}
    for task in tasks:
        before = earlier.get(task.pk)
        item = RemediationReportItem.objects.create(
            report=report,
            task=task,
            progress=before.progress if before else "",
            explanation=before.explanation if before else "",
        )
        if before is not None:
            # Evidence carries over: the stored files are never changed, so
            # the new rows point at the same files.
            for evidence in before.evidence.all():
                ReportFile.objects.create(
                    report=report,
                    item=item,
                    kind=evidence.kind,
                    file=evidence.file.name,
                    original_name=evidence.original_name,
                    content_type=evidence.content_type,
                    size=evidence.size,
                    sha256=evidence.sha256,
                    uploaded_by=evidence.uploaded_by,
                )
    if latest is not None:
        for document in latest.files.filter(kind=ReportFileKind.DOCUMENT):
            ReportFile.objects.create(
                report=report,
                kind=ReportFileKind.DOCUMENT,
                file=document.file.name,
                original_name=document.original_name,
                content_type=document.content_type,
                size=document.size,
                sha256=document.sha256,
                uploaded_by=document.uploaded_by,
            )
    return report


def _require_draft(report: RemediationReport) -> None:
    if report.status != RemediationReportStatus.DRAFT:
        raise ValidationError(_("Báo cáo đã gửi, không sửa được nữa."))


@transaction.atomic
def report_update(
    *, report: RemediationReport, document_number: str, document_date, summary: str, user: User
):
    _require_draft(report)
    report.document_number = document_number.strip()
    report.document_date = document_date
    report.summary = summary.strip()
    report.full_clean()
    report._history_user = user
    report.save()
    return report


@transaction.atomic
def report_item_save(*, item: RemediationReportItem, progress: str, explanation: str, user: User):
    _require_draft(item.report)
    item.progress = progress
    item.explanation = explanation.strip()
    item.full_clean(exclude=["report", "task"])
    item._history_user = user
    item.save()
    return item


@transaction.atomic
def report_file_add(
    *, report: RemediationReport, upload, kind: str, item: RemediationReportItem | None = None, user: User
) -> ReportFile:
    """Attach the report document or a piece of evidence (to a task)."""
    _require_draft(report)
    if item is not None and item.report_id != report.pk:
        raise ValidationError(_("Nhiệm vụ không thuộc báo cáo này."))
    others = (
        report.files.exclude(kind=ReportFileKind.DOCUMENT)
        if kind == ReportFileKind.DOCUMENT
        else report.files
    )
    used = others.aggregate(total=Sum("size"))["total"] or 0
    checked = upload_check(
        upload, purpose=REPORT_DOCUMENT if kind == ReportFileKind.DOCUMENT else EVIDENCE, used_bytes=used
    )
    if kind == ReportFileKind.DOCUMENT:
        report.files.filter(kind=ReportFileKind.DOCUMENT).delete()
        item = None
    stored = ReportFile(
        report=report,
        item=item,
        kind=kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    # What is stored is what the gate checked (an image re-encoded), under a
    # name whose suffix follows the type read from the content.
    stored.file.save(f"upload.{checked.suffix}", checked.as_file(), save=False)
    stored.full_clean()
    stored.save()
    return stored


@transaction.atomic
def report_file_remove(*, file: ReportFile, user: User) -> None:
    _require_draft(file.report)
    file.delete()  # The stored bytes stay: an earlier revision may point at them.


@transaction.atomic
def report_submit(*, report: RemediationReport, user: User, today: datetime.date | None = None):
    """Submit a complete draft: every task has a result and an explanation,
    and the report document is attached. Late reports are accepted and
    marked late."""
    report = RemediationReport.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    today = today or timezone.localdate()
    items = list(report.items.select_related("task"))
    problems = []
    for number, item in enumerate(items, start=1):
        if not item.progress or not item.explanation:
            problems.append(_("Nhiệm vụ %(n)s chưa có kết quả thực hiện hoặc giải trình.") % {"n": number})
        if item.task.status == TaskStatus.ACCEPTED:
            problems.append(_("Nhiệm vụ %(n)s đã được chấp nhận, không báo cáo lại.") % {"n": number})
    if not report.files.filter(kind=ReportFileKind.DOCUMENT).exists():
        problems.append(_("Chưa đính kèm văn bản báo cáo (PDF hoặc DOCX)."))
    if problems:
        raise ValidationError(problems)
    report.status = RemediationReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report.is_late = any(item.task.deadline < today for item in items)
    report._history_user = user
    report.save()
    for item in items:
        task = item.task
        task.status = TaskStatus.REPORTED
        task._history_user = user
        task.save(update_fields=["status", "updated_at"])
    link = reverse("inspections:report_detail", args=[report.pk])
    notify_on_commit(
        lambda: {
            "users": reviewers_of_report(report),
            "subject": _("Báo cáo khắc phục mới của %(unit)s") % {"unit": report.unit},
            "message": _("%(unit)s đã gửi báo cáo kết quả khắc phục (lần %(n)s) cho %(inspection)s.")
            % {"unit": report.unit, "n": report.revision, "inspection": report.subject},
            "link": link,
        }
    )
    return report


@transaction.atomic
def report_review_item(*, item: RemediationReportItem, decision: str, reason: str = "", user: User):
    """Accept a task, or return it with a reason. The report is reviewed
    when every task has a decision; the inspection closes when all its tasks
    are accepted."""
    item = RemediationReportItem.objects.select_for_update().select_related("report", "task").get(pk=item.pk)
    report = item.report
    if report.status != RemediationReportStatus.SUBMITTED:
        raise ValidationError(_("Chỉ xem xét được báo cáo đã gửi và chưa xem xét xong."))
    if item.decision != ReviewDecision.PENDING:
        raise ValidationError(_("Nhiệm vụ này đã được xem xét."))
    if decision == ReviewDecision.RETURNED and not reason.strip():
        raise ValidationError({"reason": _("Trả lại phải nêu lý do.")})
    if decision not in (ReviewDecision.ACCEPTED, ReviewDecision.RETURNED):
        raise ValidationError(_("Kết quả xem xét không hợp lệ."))
    now = timezone.now()
    item.decision = decision
    item.review_reason = reason.strip() if decision == ReviewDecision.RETURNED else ""
    item.reviewed_by = user
    item.reviewed_at = now
    item._history_user = user
    item.save()
    task = item.task
    task.status = TaskStatus.ACCEPTED if decision == ReviewDecision.ACCEPTED else TaskStatus.RETURNED
    task.accepted_at = now if decision == ReviewDecision.ACCEPTED else None
    task._history_user = user
    task.save(update_fields=["status", "accepted_at", "updated_at"])
    audit_record(
        kind=AuditKind.REVIEW,
        user=user,
        unit=report.unit,
        obj=report,
        detail=f"{item.get_decision_display()}: {task.description[:200]}"
        + (f" ({item.review_reason})" if item.review_reason else ""),
    )
    if not report.items.filter(decision=ReviewDecision.PENDING).exists():
        report.status = RemediationReportStatus.REVIEWED
        report._history_user = user
        report.save(update_fields=["status", "updated_at"])
        returned = report.items.filter(decision=ReviewDecision.RETURNED).count()
        if returned:
            link = (
                reverse("inspections:inspection_detail", args=[report.inspection_id])
                if report.inspection_id
                else reverse("inspections:report_detail", args=[report.pk])
            )
            notify_on_commit(
                lambda: {
                    "users": officers_of(report.unit),
                    "subject": _("%(n)s nhiệm vụ bị trả lại, cần báo cáo bổ sung") % {"n": returned},
                    "message": _(
                        "Báo cáo khắc phục của %(unit)s có nhiệm vụ bị trả lại; xem lý do và gửi lại."
                    )
                    % {"unit": report.unit},
                    "link": link,
                }
            )
        else:
            link = reverse("inspections:report_detail", args=[report.pk])
            notify_on_commit(
                lambda: {
                    "users": officers_of(report.unit),
                    "subject": _("Báo cáo khắc phục đã được chấp nhận"),
                    "message": _(
                        "Đoàn kiểm tra đã chấp nhận mọi nhiệm vụ trong báo cáo khắc phục của %(unit)s."
                    )
                    % {"unit": report.unit},
                    "link": link,
                }
            )
    if report.inspection_id:
        inspection_close_if_done(inspection=report.inspection)
    return item


def inspection_close_if_done(*, inspection: Inspection) -> bool:
    tasks = inspection.tasks.all()
    if tasks.exists() and not tasks.exclude(status=TaskStatus.ACCEPTED).exists():
        if inspection.status != InspectionStatus.CLOSED:
            inspection.status = InspectionStatus.CLOSED
            inspection.closed_at = timezone.now()
            inspection.save(update_fields=["status", "closed_at", "updated_at"])
        return True
    return False


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(pk) for pk in unit.path.strip("/").split("/") if pk]


def reviewers_of(inspection: Inspection) -> list[User]:
    """Inspectors whose scope covers the unit that issued the plan."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current().filter(
                role=Role.INSPECTOR, unit_id__in=_ancestor_ids(inspection.plan.issuer)
            ),
        ).distinct()
    )


def reviewers_of_report(report: RemediationReport) -> list[User]:
    """Who reviews a report: the inspectors of the plan's issuer, or, for a
    document's tasks, the people of the monitoring units (inspectors and
    leaders) and the issuer's inspectors."""
    if report.inspection_id:
        return reviewers_of(report.inspection)
    document = report.source_document
    monitors = list(
        RemediationTask.objects.filter(source_document=document, responsible_unit=report.unit)
        .exclude(monitoring_unit=None)
        .values_list("monitoring_unit_id", flat=True)
        .distinct()
    )
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current().filter(
                Q(role__in=(Role.INSPECTOR, Role.LEADER), unit_id__in=monitors)
                | Q(role=Role.INSPECTOR, unit_id__in=_ancestor_ids(document.issuing_unit))
            ),
        ).distinct()
    )


def officers_of(unit: Unit) -> list[User]:
    """The officers who report for a unit: its own, or, for a unit that
    ended, those of the units that succeeded it."""
    units = [unit] if not unit.has_ended else (current_successors(unit) or [unit])
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current().filter(
                Q(role=Role.UNIT_OFFICER) | Q(role=Role.LEADER), unit__in=units
            ),
        ).distinct()
    )
