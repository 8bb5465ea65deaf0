"""Celery tasks of the kernel. Each takes a job id and calls a service."""

from celery import shared_task

from .documents.services import RENDER_JOB, render_job_work
from .jobs import job_run, job_task


@job_task(RENDER_JOB)
@shared_task(name="cchc.render_document")
def render_document(job_id: int) -> None:
    job_run(job_id, render_job_work)
