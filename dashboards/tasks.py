"""Periodic tasks of the dashboards, run by Celery beat (the handout job's
kind and task are declared in ``jobs``)."""

from celery import shared_task

from .handouts import handouts_cleanup


@shared_task(name="dashboards.clean_up_handouts")
def clean_up_handouts() -> dict:
    """Run daily by Celery beat (``CELERY_BEAT_SCHEDULE``)."""
    return handouts_cleanup()
