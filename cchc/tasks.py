"""Periodic tasks of the kernel, run by Celery beat (``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from .storage_cleanup import orphan_files_delete


@shared_task(name="cchc.clean_up_orphan_files")
def clean_up_orphan_files() -> dict:
    return {"orphan_files": len(orphan_files_delete())}
