"""Celery tasks of the inspections app. Each takes a job id and calls a service."""

from celery import shared_task

from cchc.jobs import job_run, job_task

from .drafting import PLAN_NOTICES_JOB, plan_notices_work


@job_task(PLAN_NOTICES_JOB)
@shared_task(name="inspections.issue_plan_notices")
def issue_plan_notices(job_id: int) -> None:
    job_run(job_id, plan_notices_work)


@shared_task(name="inspections.send_reminders")
def send_reminders() -> dict:
    """Run daily by Celery beat."""
    from django.utils import timezone

    from .reminders import reminders_send

    return reminders_send(today=timezone.localdate())
