"""Running a job: the worker's side. ``job_run`` marks the job running,
counts the attempt, calls the kind's work and writes the outcome on the row:
a known error (``JobError``, ``ValidationError``) as it is, anything else
logged and worded for people; a transient error puts the job back in the
queue for the task to retry."""

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..choices import JobStatus
from ..models import Job

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is meant for the user (in Vietnamese)."""


@dataclass(frozen=True)
class JobLimits:
    """What one run of a job may take (its kind's ``time_limit`` and
    ``memory_limit_mb``), for the messages the row shows when it is hit."""

    seconds: int | None = None
    memory_mb: int | None = None


def _address_space_mb() -> int | None:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[0])
    except OSError:
        return None
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)


@contextlib.contextmanager
def memory_limited(megabytes: int | None):
    """Within the block, the process may grow its address space by
    ``megabytes`` at most: past it allocations fail with ``MemoryError``
    (Linux ``RLIMIT_AS``; nothing elsewhere). The limit before is put back."""
    import resource

    current = _address_space_mb() if megabytes else None
    if current is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = (current + megabytes) * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def job_progress(job_id: int, *, done: int, total: int | None = None, step: str = "") -> None:
    fields = {"progress_done": done, "step": step[:255]}
    if total is not None:
        fields["progress_total"] = max(total, 1)
    Job.objects.filter(pk=job_id).update(**fields)


def job_run(
    job_id: int,
    work: Callable[[Job], dict | None],
    *,
    retry_on: tuple[type[BaseException], ...] = (),
    max_attempts: int | None = None,
    limits: JobLimits | None = None,
) -> None:
    """Run ``work(job)`` for the job and record the outcome on its row.

    An error of ``retry_on`` (a transient one, while tries are left) puts the
    job back in the queue and is raised again, for the task to retry.

    ``max_attempts`` is given when the broker gave the job back because the
    worker that had it died (killed, out of memory): a job found still
    running then, with that many attempts made, fails instead of running
    again, so that a job that kills its worker every time cannot loop.

    The work runs in the site's default language, whatever language the
    process or thread was left in, so that what a job writes on its row
    (errors, steps) does not depend on which request ran before it in the
    same thread.

    Past its ``limits`` (the worker's soft time limit, or the memory limit
    set around the work) the job fails and its row says which limit it hit."""
    with translation.override(settings.LANGUAGE_CODE):
        _job_run(job_id, work, retry_on=retry_on, max_attempts=max_attempts, limits=limits or JobLimits())


def _job_run(job_id: int, work, *, retry_on, max_attempts, limits: JobLimits) -> None:
    if max_attempts is not None:
        lost = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, attempts__gte=max_attempts).update(
            status=JobStatus.FAILED,
            error=_(
                "Công việc bị dừng đột ngột nhiều lần khi đang chạy (tiến trình xử lý bị tắt, có thể do "
                "thiếu bộ nhớ) nên không chạy lại tự động nữa. Hãy báo quản trị viên trước khi chạy lại."
            ),
            finished_at=timezone.now(),
        )
        if lost:
            logger.error("Job %s failed: its runs died %s times", job_id, max_attempts)
            return
    updated = (
        Job.objects.filter(pk=job_id)
        .exclude(status=JobStatus.SUCCEEDED)
        .update(status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, error="")
    )
    if not updated:
        return  # Done already, or gone: running it again must change nothing.
    job = Job.objects.get(pk=job_id)
    try:
        with memory_limited(limits.memory_mb):
            result = work(job) or {}
    except SoftTimeLimitExceeded:
        logger.warning("Job %s (%s) stopped at its time limit", job_id, job.kind)
        minutes = max(1, round((limits.seconds or 0) / 60))
        mark_failed(
            job_id,
            _(
                "Công việc chạy quá thời gian cho phép (%(minutes)s phút) nên đã dừng; không có gì được lưu. "
                "Hãy chia nhỏ tệp hoặc phạm vi rồi thử lại."
            )
            % {"minutes": minutes},
        )
    except MemoryError:
        logger.warning("Job %s (%s) stopped at its memory limit", job_id, job.kind)
        mark_failed(
            job_id,
            _(
                "Công việc cần nhiều bộ nhớ hơn mức cho phép (%(mb)s MB) nên đã dừng; không có gì được lưu. "
                "Hãy chia nhỏ tệp hoặc phạm vi rồi thử lại."
            )
            % {"mb": limits.memory_mb or "?"},
        )
    except retry_on as error:
        logger.warning("Job %s (%s) will be retried: %s", job_id, job.kind, error)
        _requeue(job_id)
        raise
    except JobError as error:
        mark_failed(job_id, str(error))
    except ValidationError as error:
        mark_failed(job_id, " ".join(error.messages))
    except Exception:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        mark_failed(
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


def mark_failed(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=message or _("Lỗi không rõ nguyên nhân."), finished_at=timezone.now()
    )
