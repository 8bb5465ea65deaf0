"""Periodic tasks of the inspections app, run by Celery beat (the job kinds
and their tasks are declared in ``jobs``)."""

from celery import shared_task


@shared_task(name="inspections.send_reminders")
def send_reminders() -> dict:
    """Run daily by Celery beat: open the new periods of periodic tasks,
    then remind, then escalate."""
    from django.utils import timezone

    from .assignments import periodic_tasks_advance
    from .reminders import escalations_send, reminders_send

    today = timezone.localdate()
    periods = periodic_tasks_advance(today=today)
    result = reminders_send(today=today)
    return {**result, "periods": periods, "escalated": escalations_send(today=today)["sent"]}
