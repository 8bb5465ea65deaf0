"""Stored files that nothing references: found and removed.

A file under one of the app's own prefixes (``ORPHAN_PREFIXES``) is an
orphan when no row names it: no ``FileField`` of any installed model (issued
and signed documents, evidence, report files, imports, signature and seal
images...), no history row's copy of one, and no finished job's result (each job kind's ``result_file``).
Files younger than ``CCHC_ORPHAN_GRACE_HOURS`` are never touched: a file is
written before the transaction that names it commits, and a job writes its
file after its row. Nothing outside the prefixes is ever looked at.

Run daily by Celery beat (``cchc.clean_up_orphan_files``) and by hand with
``manage.py clean_orphan_files [--dry-run]``.
"""

from __future__ import annotations

import datetime
import logging

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from .choices import JobStatus
from .jobs import job_files_stored, job_kind
from .models import Job

logger = logging.getLogger(__name__)

#: The folders the app writes to (``upload_to`` of every file field, and the
#: jobs' folders under ``private/``).
ORPHAN_PREFIXES = ("private", "documents")


def referenced_files() -> set[str]:
    """Every stored name a row holds."""
    names: set[str] = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)]
        tracked = getattr(model, "instance_type", None)  # a simple_history table
        if tracked is not None:
            # History keeps a tracked model's file fields as text.
            fields = [f.name for f in tracked._meta.get_fields() if isinstance(f, models.FileField)]
        for field in fields:
            names.update(
                name
                for name in model._default_manager.exclude(**{field: ""})
                .exclude(**{f"{field}__isnull": True})
                .values_list(field, flat=True)
                .iterator()
                if name
            )
    for job in Job.objects.filter(status=JobStatus.SUCCEEDED).iterator():
        try:
            kind = job_kind(job.kind)
        except LookupError:
            continue
        if kind.offers_file:
            found = kind.result_file(job)
            if found is not None:
                names.add(found.name)
    return names


def orphan_files(*, now: datetime.datetime | None = None) -> list[str]:
    """Stored files under the app's prefixes that no row names, older than
    the grace period."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.CCHC_ORPHAN_GRACE_HOURS)
    held = referenced_files()
    found = []
    for prefix in ORPHAN_PREFIXES:
        for name in job_files_stored(prefix):
            if name in held:
                continue
            try:
                modified = default_storage.get_modified_time(name)
            except (FileNotFoundError, NotImplementedError):
                continue
            if modified < cutoff:
                found.append(name)
    return sorted(found)


def orphan_files_delete(*, now: datetime.datetime | None = None, dry_run: bool = False) -> list[str]:
    """Delete the orphans (their names are returned, and logged)."""
    names = orphan_files(now=now)
    if not dry_run:
        # Checked again just before each deletion: a row may have named the
        # file since the list was made.
        held = referenced_files()
        names = [name for name in names if name not in held]
        for name in names:
            default_storage.delete(name)
            logger.info("Deleted orphan file %s", name)
    return names
