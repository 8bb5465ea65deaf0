"""The daily reminders: to a unit's officers some days before a task's
deadline (settings.CCHC_REMINDER_DAYS, 7 and 1 by default) and on the day
after it has passed; each reminder is sent once, however often the job runs."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.notifications import notify

from .models import RemediationTask, ReminderLog
from .remediation import officers_of


def reminders_due(today: datetime.date) -> list[tuple[RemediationTask, str]]:
    """(task, kind) of every reminder due on ``today``."""
    wanted = {today + datetime.timedelta(days=d): f"before-{d}" for d in settings.CCHC_REMINDER_DAYS}
    wanted[today - datetime.timedelta(days=1)] = "overdue"
    tasks = (
        RemediationTask.objects.open()
        .filter(
            deadline__in=list(wanted),
            inspection__notice_issued_at__isnull=False,
        )
        .select_related("responsible_unit", "inspection__unit")
        .order_by("deadline", "id")
    )
    return [(task, wanted[task.deadline]) for task in tasks]


def reminders_send(*, today: datetime.date) -> dict:
    """Send the reminders due on ``today`` that were not sent yet."""
    sent = skipped = 0
    for task, kind in reminders_due(today):
        try:
            with transaction.atomic():
                log = ReminderLog.objects.create(task=task, kind=kind, sent_on=today)
                log.recipients = _send(task, kind)
                log.save(update_fields=["recipients"])
        except IntegrityError:
            skipped += 1  # Sent already.
            continue
        sent += 1
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
    return notify(
        users=officers_of(task.responsible_unit),
        subject=subject,
        message=message % {"date": deadline, "task": task.description},
        link=reverse("inspections:inspection_detail", args=[task.inspection_id]),
    )
