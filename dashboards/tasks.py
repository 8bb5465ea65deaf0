"""Celery tasks of the dashboards. A job's task takes the job's id and calls
a service; the daily clean-up of handouts is run by Celery beat."""

from celery import shared_task

from cchc.jobs import job_run, job_task

from .handouts import HANDOUT_JOB, handout_work, handouts_cleanup


@job_task(HANDOUT_JOB)
@shared_task(name="dashboards.render_handout")
def render_handout(job_id: int) -> None:
    job_run(job_id, handout_work)


@shared_task(name="dashboards.clean_up_handouts")
def clean_up_handouts() -> dict:
    """Run daily by Celery beat (``CELERY_BEAT_SCHEDULE``)."""
    return handouts_cleanup()
