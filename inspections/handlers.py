"""Reactions of the inspections app to kernel events."""

import datetime

from django.dispatch import receiver
from django.utils.translation import gettext as _

from cchc.models import Unit
from cchc.signals import unit_ended

from .choices import TaskStatus
from .models import RemediationTask


@receiver(unit_ended, sender=Unit, dispatch_uid="inspections_tasks_follow_successor")
def tasks_follow_successor(sender, unit, successors, last_day, **kwargs):
    """A task of a unit that ended passes to its successor, and its history
    says so. When several units took over, the task stays with the ended unit
    and the officers of every successor see it and can report on it."""
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
        task.save()
