"""Periodic tasks of the inspections app, run by Celery beat (the job kinds
and their tasks are declared in ``jobs``)."""

from celery import shared_task


@shared_task(name="inspections.send_reminders")
def send_reminders() -> dict:
    """Run daily by Celery beat."""
    from django.utils import timezone

    from .reminders import reminders_send

    return reminders_send(today=timezone.localdate())
