"""Periodic tasks of the inspections app, run by Celery beat (the job kinds
and their tasks are declared in ``jobs``)."""

from celery import shared_task

from cchc.jobs.kinds import RETRY_BACKOFF_MAX, TRANSIENT_ERRORS, TRANSIENT_RETRIES


@shared_task(
    name="inspections.send_reminders",
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=TRANSIENT_RETRIES,
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
)
def send_reminders() -> dict:
    """Run daily by Celery beat: open the new periods of periodic tasks,
    then remind, then escalate. A transient error (the database or the
    broker out of reach) runs it again, with the job framework's delays:
    what an earlier try sent is not sent again."""
    from django.utils import timezone

    from .assignments import periodic_tasks_advance
    from .reminders import escalations_send, reminders_send

    today = timezone.localdate()
    periods = periodic_tasks_advance(today=today)
    result = reminders_send(today=today)
    return {**result, "periods": periods, "escalated": escalations_send(today=today)["sent"]}
