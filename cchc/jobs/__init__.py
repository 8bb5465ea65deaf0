"""Background jobs: each kind declared once (``kinds.JobKind``, in the
``jobs`` module of the app that owns the work), rows created and run by
``services`` and run by ``run``, one set of views for every kind (``views``)."""

from .kinds import JobCard, JobFile, JobKind, JobRule, job_kind, job_kinds, jobs_readable
from .run import JobError, job_progress, job_run
from .services import (
    job_create,
    job_files_delete,
    job_files_stored,
    job_retry,
)

__all__ = [
    "JobCard",
    "JobError",
    "JobFile",
    "JobKind",
    "JobRule",
    "job_create",
    "job_files_delete",
    "job_files_stored",
    "job_kind",
    "job_kinds",
    "job_progress",
    "job_retry",
    "jobs_readable",
    "job_run",
]
