"""Province-wide Excel exports of indicator tables made by a background
job, and the daily clean-up of their workbooks."""

from __future__ import annotations

import datetime
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cchc.jobs import JobError, job_create, job_files_delete, job_files_stored, job_progress
from cchc.models import Job, JobStatus, Unit, User

from ..choices import EXPORT_JOB
from ..exports import export_workbook
from ..selectors import export_units, tables_for_export, units_visible

logger = logging.getLogger(__name__)

#: Where background exports keep their workbooks (for CCHC_EXPORT_KEEP_DAYS days).
EXPORT_FOLDER = "private/indicators/exports"


def export_in_background(units: list[Unit]) -> bool:
    """Whether the Excel export of ``units`` is too large to make during the
    request (a single unit's always is made at once)."""
    return len(units) > 1 and len(units) > settings.CCHC_INDICATOR_EXPORT_INLINE_MAX_UNITS


def export_file_name(unit: Unit, first: int, last: int, extension: str = "xlsx") -> str:
    """The name the user's browser saves an export under."""
    return f"chi-tieu-{slugify(unit.code or unit.short_name or unit.pk)}-{first}-{last}.{extension}"


def _export_storage_name() -> str:
    """Where a job's workbook is kept: under MEDIA, with a random name, never
    served directly (only through the download view, which checks scope)."""
    return f"{EXPORT_FOLDER}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


@transaction.atomic
def indicator_export_create(*, unit: Unit, units: list[Unit], first: int, last: int, user: User) -> Job:
    """Queue the Excel export of ``unit`` and the units under it (``units``,
    as the user sees them now: the worker reads them again). The file's
    name is chosen here, so that every run of the job writes the same file."""
    return job_create(
        kind=EXPORT_JOB,
        unit=unit,
        params={
            "unit": unit.pk,
            "first": first,
            "last": last,
            "children": True,
            "file": _export_storage_name(),
        },
        total=len(units) + 1,
        user=user,
    )


def export_job_file(job: Job) -> str | None:
    """The stored workbook of a finished export job, or None."""
    name = (job.result or {}).get("file") or ""
    if job.kind != EXPORT_JOB or job.status != JobStatus.SUCCEEDED or not name:
        return None
    if name != job.params.get("file") or not default_storage.exists(name):
        return None
    return name


def _save_once(name: str, data: bytes) -> None:
    """Write ``data`` as ``name``, replacing what an earlier (failed or
    interrupted) run of the same job left there: one file per job."""
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(data))
    except OSError:
        logger.exception("Could not store the export %s", name)
        raise JobError(
            _("Không lưu được tệp Excel trên máy chủ. Hãy thử chạy lại sau hoặc báo quản trị viên.")
        ) from None
    if saved != name:
        # Another run of the job wrote ``name`` in the meantime; keep that one.
        default_storage.delete(saved)


def export_work(job: Job) -> dict:
    """Make the workbook of an export job: the requester must still see the
    unit; the sheets follow the units they see now; progress is per unit."""
    params = job.params
    user = job.created_by
    if user is None or not user.is_active:
        raise JobError(_("Người yêu cầu bản xuất không còn hoạt động."))
    unit = units_visible(user).filter(pk=params.get("unit")).first()
    if unit is None:
        raise JobError(_("Bạn không còn quyền xem số liệu của đơn vị này."))
    first, last = int(params["first"]), int(params["last"])
    units = export_units(user, unit=unit, with_children=bool(params.get("children", True)))
    total = len(units) + 1
    job_progress(job.pk, done=0, total=total, step=_("Đang đọc số liệu"))

    def progress(done: int, step: str) -> None:
        job_progress(job.pk, done=min(done, total), total=total, step=step)

    tables = tables_for_export(units=units, first=first, last=last)
    data = export_workbook(units=units, tables=tables, first=first, last=last, root=unit, progress=progress)
    name = params["file"]
    _save_once(name, data)
    return {
        "file": name,
        "name": export_file_name(unit, first, last),
        "units": len(units),
        "bytes": len(data),
    }


# --- keeping only what is needed ---------------------------------------------------------


def exports_cleanup(now: datetime.datetime | None = None) -> dict:
    """Run daily: delete the export jobs older than ``CCHC_EXPORT_KEEP_DAYS``
    days and, once that is committed, their workbooks; then the workbooks
    of the export folder that no job names (left by jobs deleted
    otherwise). A job's row is committed before its worker writes the file,
    so a file that no row names is never one being made."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.CCHC_EXPORT_KEEP_DAYS)
    expired = list(Job.objects.filter(kind=EXPORT_JOB, created_at__lt=cutoff).only("pk", "params"))
    names = [job.params.get("file") for job in expired]
    Job.objects.filter(pk__in=[job.pk for job in expired]).delete()
    job_files_delete(names)

    stored = job_files_stored(EXPORT_FOLDER)
    held = {
        name
        for name in Job.objects.filter(kind=EXPORT_JOB).values_list("params__file", flat=True)
        if isinstance(name, str)
    }
    orphans = [name for name in stored if name not in held and name not in names]
    job_files_delete(orphans)
    return {"expired": len(expired), "orphan_files": len(orphans)}
