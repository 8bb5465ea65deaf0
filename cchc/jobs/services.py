"""Background jobs: create a row, enqueue the Celery task when the
transaction commits, and let the task report progress and failure on it.

A task takes the job's id, never model instances; it is built from the job's
kind (``kinds.JobKind``). ``job_run`` wraps the work: it marks the job
running, counts the attempt, and on failure writes an error a person can
read (``JobError`` carries one; anything else is logged and reported in
general terms). ``job_retry`` puts a failed job back in the queue.
"""

import logging
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import JobStatus
from ..models import Job, Unit, User
from .kinds import JobKind, job_kind

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is meant for the user (in Vietnamese)."""


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
        _fail(job_id, _("Không gửi được công việc tới hàng đợi xử lý (Celery). Hãy thử chạy lại sau."))


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


def job_progress(job_id: int, *, done: int, total: int | None = None, step: str = "") -> None:
    fields = {"progress_done": done, "step": step[:255]}
    if total is not None:
        fields["progress_total"] = max(total, 1)
    Job.objects.filter(pk=job_id).update(**fields)


def job_run(
    job_id: int, work: Callable[[Job], dict | None], *, retry_on: tuple[type[BaseException], ...] = ()
) -> None:
    """Run ``work(job)`` for the job and record the outcome on its row.

    An error of ``retry_on`` (a transient one, while tries are left) puts the
    job back in the queue and is raised again, for the task to retry."""
    updated = (
        Job.objects.filter(pk=job_id)
        .exclude(status=JobStatus.SUCCEEDED)
        .update(status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, error="")
    )
    if not updated:
        return  # Done already, or gone: running it again must change nothing.
    job = Job.objects.get(pk=job_id)
    try:
        result = work(job) or {}
    except retry_on as error:
        logger.warning("Job %s (%s) will be retried: %s", job_id, job.kind, error)
        _requeue(job_id)
        raise
    except JobError as error:
        _fail(job_id, str(error))
    except ValidationError as error:
        _fail(job_id, " ".join(error.messages))
    except Exception:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        _fail(
            job_id,
            _("Lỗi hệ thống khi xử lý công việc. Quản trị viên đã được ghi nhận lỗi; hãy thử chạy lại."),
        )
    else:
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.SUCCEEDED,
            result=result,
            progress_done=F("progress_total"),
            finished_at=timezone.now(),
            step="",
        )


def _requeue(job_id: int) -> None:
    """Back in the queue after a transient error; if the database is what
    failed, the row may not be writable now, and the next try sets it."""
    try:
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.QUEUED, step=_("Đang chờ chạy lại sau lỗi kết nối tạm thời"), started_at=None
        )
    except Exception:
        logger.exception("Could not put job %s back in the queue", job_id)


def _fail(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=message or _("Lỗi không rõ nguyên nhân."), finished_at=timezone.now()
    )


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
