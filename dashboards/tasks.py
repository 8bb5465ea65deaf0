"""Celery tasks of the dashboards. Each takes a job id and calls a service."""

from celery import shared_task

from cchc.jobs import job_run, job_task

from .handouts import HANDOUT_JOB, handout_work


@job_task(HANDOUT_JOB)
@shared_task(name="dashboards.render_handout")
def render_handout(job_id: int) -> None:
    job_run(job_id, handout_work)
