"""Background jobs (see ``services``)."""

from .services import (
    JobError,
    job_create,
    job_files_delete,
    job_files_stored,
    job_progress,
    job_retry,
    job_run,
    job_task,
)

__all__ = [
    "JobError",
    "job_create",
    "job_files_delete",
    "job_files_stored",
    "job_progress",
    "job_retry",
    "job_run",
    "job_task",
]
