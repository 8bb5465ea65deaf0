"""The daily reminders: to a unit's officers (for a split unit's task not
yet handed to a successor, to the province's people who follow it) some days before a task's
deadline (settings.CCHC_REMINDER_DAYS, 7 and 1 by default) and on the day
after it has passed, for inspections' tasks and documents' assigned tasks
alike (each period of a periodic task is a task of its own); and the
escalation of a document's task overdue by more than
settings.CCHC_TASK_ESCALATION_DAYS to the leaders of its monitoring unit.
Each reminder is sent once, however often the job runs, and at most once
when a run is cut short: its log row is committed before its e-mails go
out (a reminder whose run dies in between is not sent again)."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.choices import Role
from cchc.models import Membership, User
from cchc.notifications import notify

from .handover import reminder_recipients
from .models import RemediationTask, ReminderLog
from .selectors import TASK_DELIVERED_Q


def reminders_due(today: datetime.date) -> list[tuple[RemediationTask, str]]:
    """(task, kind) of every reminder due on ``today``."""
    wanted = {today + datetime.timedelta(days=d): f"before-{d}" for d in settings.CCHC_REMINDER_DAYS}
    wanted[today - datetime.timedelta(days=1)] = "overdue"
    tasks = (
        RemediationTask.objects.open()
        .filter(TASK_DELIVERED_Q, deadline__in=list(wanted))
        .select_related("responsible_unit", "inspection__unit")
        .order_by("deadline", "id")
    )
    return [(task, wanted[task.deadline]) for task in tasks]


def _once(*, task: RemediationTask, kind: str, today: datetime.date, send) -> bool:
    """Send one reminder at most once. Its log row is committed first, so a
    second run the same day, or the retry of a run cut short (the database
    or the broker lost, the worker killed), finds it and sends nothing; the
    e-mails go out after that commit, so no rollback can follow an e-mail
    already sent. ``send()`` returns how many people were told. False when
    the reminder was sent already."""
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(task=task, kind=kind, sent_on=today)
    except IntegrityError:
        return False
    log.recipients = send()
    log.save(update_fields=["recipients"])
    return True


def reminders_send(*, today: datetime.date) -> dict:
    """Send the reminders due on ``today`` that were not sent yet."""
    sent = skipped = 0
    for task, kind in reminders_due(today):
        if _once(task=task, kind=kind, today=today, send=lambda task=task, kind=kind: _send(task, kind)):
            sent += 1
        else:
            skipped += 1  # Sent already.
    return {"sent": sent, "skipped": skipped}


def _send(task: RemediationTask, kind: str) -> int:
    deadline = task.deadline.strftime("%d/%m/%Y")
    if kind == "overdue":
        subject = _("Quá hạn báo cáo khắc phục: %(unit)s") % {"unit": task.responsible_unit}
        message = _("Nhiệm vụ khắc phục sau đã quá hạn báo cáo (%(date)s):\n\n%(task)s")
    else:
        days = kind.split("-")[1]
        subject = _("Còn %(days)s ngày đến hạn báo cáo khắc phục") % {"days": days}
        message = _("Nhiệm vụ khắc phục sau đến hạn báo cáo ngày %(date)s:\n\n%(task)s")
    # The unit the task is with; a split unit's task not yet handed over
    # goes to the province's people who must hand it over.
    return notify(
        users=reminder_recipients(task),
        subject=subject,
        message=message % {"date": deadline, "task": task.description},
        link=_link(task),
    )


def _link(task: RemediationTask) -> str:
    if task.inspection_id:
        return reverse("inspections:inspection_detail", args=[task.inspection_id])
    return reverse("inspections:unit_home")


def escalations_due(today: datetime.date) -> list[RemediationTask]:
    """Open tasks of documents, with a monitoring unit, overdue by more than
    ``CCHC_TASK_ESCALATION_DAYS`` days."""
    limit = today - datetime.timedelta(days=settings.CCHC_TASK_ESCALATION_DAYS)
    return list(
        RemediationTask.objects.open()
        .filter(source_document__isnull=False, monitoring_unit__isnull=False, deadline__lt=limit)
        .select_related("responsible_unit", "monitoring_unit", "source_document")
        .order_by("monitoring_unit_id", "responsible_unit__path", "point")
    )


def leaders_of(unit) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current().filter(role=Role.LEADER, unit=unit),
        ).distinct()
    )


def escalations_send(*, today: datetime.date) -> dict:
    """Tell the monitoring unit's leaders, once per task, which units are
    overdue by more than the configured number of days."""
    sent = skipped = 0
    for task in escalations_due(today):
        if _once(task=task, kind="escalate", today=today, send=lambda task=task: _escalate(task, today)):
            sent += 1
        else:
            skipped += 1
    return {"sent": sent, "skipped": skipped}


def _escalate(task: RemediationTask, today: datetime.date) -> int:
    return notify(
        users=leaders_of(task.monitoring_unit),
        subject=_("Đơn vị quá hạn lâu: %(unit)s") % {"unit": task.responsible_unit},
        message=_(
            "%(unit)s chưa báo cáo nhiệm vụ tại điểm %(point)s của văn bản %(number)s, "
            "hạn %(date)s (quá %(days)s ngày)."
        )
        % {
            "unit": task.responsible_unit,
            "point": task.point,
            "number": task.source_document.number_symbol,
            "date": task.deadline.strftime("%d/%m/%Y"),
            "days": (today - task.deadline).days,
        },
        link=reverse("inspections:document_matrix", args=[task.source_document_id]),
    )
