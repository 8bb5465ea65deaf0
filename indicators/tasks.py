"""Celery tasks of the indicators app. Each takes a job id and calls a service."""

from celery import shared_task

from cchc.jobs import job_run, job_task

from .choices import EXPORT_JOB, IMPORT_APPLY_JOB, IMPORT_CHECK_JOB
from .services import export_work, exports_cleanup, import_apply_work, import_check_work


@job_task(IMPORT_CHECK_JOB)
@shared_task(name="indicators.check_import")
def check_import(job_id: int) -> None:
    job_run(job_id, import_check_work)


@job_task(IMPORT_APPLY_JOB)
@shared_task(name="indicators.apply_import")
def apply_import(job_id: int) -> None:
    job_run(job_id, import_apply_work)


@job_task(EXPORT_JOB)
@shared_task(name="indicators.export")
def export(job_id: int) -> None:
    job_run(job_id, export_work)


@shared_task(name="indicators.clean_up_exports")
def clean_up_exports() -> dict:
    """Run daily by Celery beat (``CELERY_BEAT_SCHEDULE``)."""
    return exports_cleanup()
