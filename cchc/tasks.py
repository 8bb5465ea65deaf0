"""Periodic tasks of the kernel, run by Celery beat (``CELERY_BEAT_SCHEDULE``;
job kinds' tasks are declared in ``cchc.jobs``)."""

from celery import shared_task

from .audit import audit_clean_up
from .storage_cleanup import orphan_files_delete


@shared_task(name="cchc.clean_up_orphan_files")
def clean_up_orphan_files() -> dict:
    return {"orphan_files": len(orphan_files_delete())}


@shared_task(name="cchc.clean_up_audit")
def clean_up_audit() -> dict:
    """Run daily by Celery beat: the audit trail keeps ``CCHC_AUDIT_KEEP_DAYS`` days."""
    return {"deleted": audit_clean_up()}
