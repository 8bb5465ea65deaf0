"""Background jobs: create a row, enqueue the Celery task when the
transaction commits, and let the task report progress and failure on it.

A task takes the job's id, never model instances; it is built from the job's
kind (``kinds.JobKind``). ``job_run`` wraps the work: it marks the job
running, counts the attempt, and on failure writes an error a person can
read (``JobError`` carries one; anything else is logged and reported in
general terms). ``job_retry`` puts a failed job back in the queue.
"""

import logging
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from ..choices import JobStatus
from ..models import Job, Unit, User
from .kinds import JobKind, job_kind
from .run import JobError, mark_failed

logger = logging.getLogger(__name__)


def job_create(
    *, kind: JobKind | str, unit: Unit, params: dict | None = None, total: int = 1, user: User | None = None
) -> Job:
    """Create a job of ``kind`` (its declaration or its key) and enqueue it
    once the surrounding transaction commits."""
    kind = job_kind(kind)
    job = Job(kind=kind.key, unit=unit, params=params or {}, progress_total=max(total, 1), created_by=user)
    job.full_clean()
    job.save()
    _enqueue(job)
    return job


def _enqueue(job: Job) -> None:
    task = job_kind(job.kind).celery_task
    job_id = job.pk
    transaction.on_commit(lambda: _send(task, job_id))


def _send(task, job_id: int) -> None:
    """Hand the job to the broker; if the broker cannot be reached the job
    says so and can be retried, and the committed work is kept."""
    try:
        task.delay(job_id)
    except Exception:
        logger.exception("Could not enqueue job %s", job_id)
        mark_failed(job_id, _("Không gửi được công việc tới hàng đợi xử lý (Celery). Hãy thử chạy lại sau."))


def job_retry(*, job: Job) -> Job:
    """Put a failed job back in the queue. Its work is idempotent, so what an
    earlier attempt finished is not done twice."""
    if job.status != JobStatus.FAILED:
        raise JobError(_("Chỉ chạy lại được công việc đã bị lỗi."))
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.QUEUED, error="", step="", started_at=None, finished_at=None
        )
        job.refresh_from_db()
        _enqueue(job)
    return job


# --- the files jobs make ---------------------------------------------------------


def job_files_delete(names: Iterable[str]) -> None:
    """Delete stored files once the current transaction commits, so that a
    rollback of the rows that named them keeps them. A missing file is no
    error."""
    names = [name for name in names if name]

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def job_files_stored(folder: str) -> list[str]:
    """Every stored file under ``folder`` and its sub-folders (names as
    storage knows them); empty when the folder does not exist."""
    found, folders = [], [folder]
    while folders:
        current = folders.pop()
        try:
            subfolders, files = default_storage.listdir(current)
        except FileNotFoundError:
            continue
        folders.extend(f"{current}/{name}" for name in subfolders)
        found.extend(f"{current}/{name}" for name in files)
    return found
