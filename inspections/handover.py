"""Handing a split unit's open tasks to its successors.

When a unit is split between several successors (a district shared between
new communes), its open tasks stay with it (``handlers.tasks_follow_successor``):
every successor reads them, none writes them. The province that follows
each task (the inspectors and administrators of the unit that ran the
inspection, or of the document's monitoring unit) then hands each task to
the one successor that carries it on; from then on that successor reports on
it, and its reminders go to that successor alone. Until then the reminders go
to the province's people who follow the task (``follow_up_people``), who
must hand it over, not to every successor.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.audit import audit_record
from cchc.choices import AuditKind, Role
from cchc.models import Membership, Unit, UnitSuccession, User
from cchc.notifications import notify_on_commit
from cchc.services import current_successors

from .choices import RemediationReportStatus, TaskStatus
from .models import RemediationReportItem, RemediationTask
from .remediation import _ancestor_ids, officers_of, reviewers_of

# simple_history's ``history_change_reason`` holds 100 characters.
CHANGE_REASON_MAX = 100
REASON_MAX = 500


def is_split(unit: Unit) -> bool:
    """Whether ``unit`` ended and passed to several successors."""
    return unit.has_ended and UnitSuccession.objects.filter(predecessor=unit).count() > 1


def split_successors(unit: Unit) -> list[Unit]:
    """The units that carry on a split unit's work today (none for a unit
    that was not split), in the order of the tree."""
    if not is_split(unit):
        return []
    return sorted(current_successors(unit), key=lambda u: (u.path, u.pk))


def follow_up_people(task: RemediationTask) -> list[User]:
    """The province's people who follow a task: the inspectors over the
    plan's issuer, or, for a document's task, the inspectors and leaders of
    its monitoring unit (the inspectors over its issuer without one)."""
    if task.inspection_id:
        return reviewers_of(task.inspection)
    document = task.source_document
    if task.monitoring_unit_id:
        memberships = Q(role__in=(Role.INSPECTOR, Role.LEADER), unit_id=task.monitoring_unit_id)
    else:
        memberships = Q(role=Role.INSPECTOR, unit_id__in=_ancestor_ids(document.issuing_unit))
    return list(
        User.objects.filter(
            is_active=True, memberships__in=Membership.objects.current().filter(memberships)
        ).distinct()
    )


def reminder_recipients(task: RemediationTask) -> list[User]:
    """Who a task's reminders go to: the officers of the unit the task is
    with; for a split unit's task not yet handed over, the province's
    people who follow it (they must hand it to one successor)."""
    if is_split(task.responsible_unit):
        return follow_up_people(task)
    return officers_of(task.responsible_unit)


@transaction.atomic
def task_hand_over(*, task: RemediationTask, successor: Unit, user: User, reason: str) -> RemediationTask:
    """Hand an open task of a split unit to one of its successors, which
    from now on writes it (its own unit: ``cchc.access``). The task's
    history and the audit trail say who did it, when and why; the
    successor's officers are told. A draft report of another unit that
    listed the task drops it (a submitted one is kept as it was)."""
    task = RemediationTask.objects.select_for_update().select_related("responsible_unit").get(pk=task.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải nêu lý do giao nhiệm vụ.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Lý do dài quá %(n)s ký tự.") % {"n": REASON_MAX}})
    if task.status == TaskStatus.ACCEPTED:
        raise ValidationError(_("Nhiệm vụ đã được chấp nhận, không giao lại được."))
    if task.status == TaskStatus.REPORTED:
        raise ValidationError(_("Nhiệm vụ đang chờ xem xét báo cáo; xem xét xong mới giao được."))
    previous = task.responsible_unit
    successors = split_successors(previous)
    if not successors:
        raise ValidationError(
            _("%(unit)s không bị chia tách giữa nhiều đơn vị kế thừa; nhiệm vụ không cần giao.")
            % {"unit": previous}
        )
    if successor.pk not in {unit.pk for unit in successors}:
        raise ValidationError(
            {
                "successor": _("%(unit)s không phải đơn vị kế thừa của %(old)s.")
                % {"unit": successor, "old": previous}
            }
        )
    task.responsible_unit = successor
    task._history_user = user
    change = _("Giao từ %(old)s cho %(new)s: %(reason)s") % {
        "old": previous,
        "new": successor,
        "reason": reason,
    }
    task._change_reason = (
        change if len(change) <= CHANGE_REASON_MAX else change[: CHANGE_REASON_MAX - 1] + "…"
    )
    task.full_clean()
    task.save()
    RemediationReportItem.objects.filter(task=task, report__status=RemediationReportStatus.DRAFT).exclude(
        report__unit=successor
    ).delete()
    audit_record(
        kind=AuditKind.HAND_OVER,
        user=user,
        unit=successor,
        obj=task,
        detail=_("Giao nhiệm vụ của %(old)s cho %(new)s (%(reason)s): %(task)s")
        % {"old": previous, "new": successor, "reason": reason, "task": task.description[:200]},
    )
    link = reverse("inspections:task_detail", args=[task.pk])
    notify_on_commit(
        lambda: {
            "users": officers_of(successor),
            "subject": _("Nhiệm vụ được giao cho %(unit)s") % {"unit": successor},
            "message": _(
                "%(old)s đã kết thúc và được chia tách; nhiệm vụ sau được giao cho %(unit)s thực hiện "
                "và báo cáo (hạn %(date)s):\n\n%(task)s"
            )
            % {
                "old": previous,
                "unit": successor,
                "date": task.deadline.strftime("%d/%m/%Y"),
                "task": task.description,
            },
            "link": link,
        }
    )
    return task
