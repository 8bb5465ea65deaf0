"""Periodic tasks of the indicators app, run by Celery beat (the job kinds
and their tasks are declared in ``jobs``)."""

from celery import shared_task

from .services import exports_cleanup
from .services.imports import imports_cleanup


@shared_task(name="indicators.clean_up_exports")
def clean_up_exports() -> dict:
    """Run daily by Celery beat (``CELERY_BEAT_SCHEDULE``)."""
    return exports_cleanup()


@shared_task(name="indicators.clean_up_imports")
def clean_up_imports() -> dict:
    """Run daily by Celery beat (``CELERY_BEAT_SCHEDULE``)."""
    return imports_cleanup()
