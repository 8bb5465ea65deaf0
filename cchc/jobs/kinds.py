"""Job kinds: each kind of background job declared once.

A declaration (``JobKind(key=..., task=..., work=...)``) lives in the
``jobs`` module of the app that owns the work (``grep -rn "JobKind("``
lists them all). It says what the worker does, who may read, retry and
download a job of the kind, and what a finished job offers (a file kept in
storage, a link, a summary). Declaring a kind builds its Celery task, under
the name given, so that queued messages keep matching.

The task runs the work through ``job_run``. Transient errors (the database
or the broker out of reach for a moment) put the job back in the queue and
retry it with a growing delay, a bounded number of times; known errors
(``JobError``, ``ValidationError``) are written on the row as they are;
others are logged and worded for people.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from kombu.exceptions import OperationalError as BrokerError

from ..access import EDITORS, STAFF, has_role, scope_q
from ..models import Job
from .run import JobLimits, job_run

try:  # Redis is the broker in production; the embedded default has none.
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover
    RedisConnectionError = RedisTimeoutError = BrokerError

#: Errors worth another try: the database or the broker was out of reach.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerError,
    RedisConnectionError,
    RedisTimeoutError,
)
#: How often a transient error is retried, and the longest wait between tries.
TRANSIENT_RETRIES = 4
RETRY_BACKOFF_MAX = 60
# What one job may take unless its kind says otherwise: the worker stops it
# past the time limit (Celery's soft limit, then the hard one a little
# later), and the work fails with a MemoryError past the memory limit (an
# address-space limit set around the work, ``run.memory_limited``).
JOB_TIME_LIMIT = 15 * 60
JOB_HARD_TIME_MARGIN = 60


@dataclass(frozen=True)
class JobRule:
    """Who may do one thing (read, retry, download) with jobs of a kind.

    ``roles``: a user with none of them is refused (403; ``None``: any
    signed-in user goes on to the scope check). ``scope``: the
    roles whose scope over the job's unit lets a user in, whoever started
    the job. The person who started it may too (``starter``), while the
    unit is in their scope for ``starter_scope`` (``None``: always)."""

    roles: frozenset[str] | None = None
    scope: frozenset[str] = frozenset()
    starter: bool = True
    starter_scope: frozenset[str] | None = None

    def allows(self, user) -> bool:
        if self.roles is None:
            return user.is_authenticated and user.is_active
        return has_role(user, *self.roles)

    def q(self, user) -> Q:
        """The jobs this rule lets ``user`` at (of any kind)."""
        if not self.allows(user):
            return Q(pk__in=[])
        condition = Q(pk__in=[])
        if self.starter:
            mine = Q(created_by=user)
            if self.starter_scope is not None:
                mine &= scope_q(user, "unit", self.starter_scope)
            condition |= mine
        if self.scope:
            condition |= scope_q(user, "unit", self.scope)
        return condition


#: The jobs of a unit's work (documents, notices, imports): the person who
#: started one, and the provincial staff over its unit, follow it; the
#: starter, inspectors and administrators retry it (a leader only reads).
STARTER_OR_STAFF = JobRule(scope=STAFF)
STARTER_OR_EDITORS = JobRule(scope=EDITORS)


@dataclass(frozen=True)
class JobFile:
    """The file a finished job made: its name in storage and for the user."""

    name: str
    download_name: str
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class JobCard:
    """What the job's card and page show besides status and progress (each
    kind's presenter fills it in)."""

    title: str = ""
    description: str = ""
    counter: str = ""
    running_note: str = ""
    download_label: str = ""
    summary: str = ""
    missing_file: str = ""
    link: str = ""
    link_label: str = ""
    back_link: str = ""
    back_label: str = ""


def _no_file(job: Job) -> JobFile | None:
    return None


def _plain_card(job: Job) -> JobCard:
    return JobCard()


@dataclass(frozen=True, eq=False)
class JobKind:
    """One kind of background job.

    ``key`` is stored on the job rows (``Job.kind``); ``task`` names the
    Celery task; ``work(job)`` does the job (idempotent: a retry must not do
    twice what an earlier attempt finished) and returns the result kept on
    the row; ``result_file(job)`` the stored file a finished job offers, if
    any; ``present(job)`` what its card shows."""

    key: str
    task: str
    work: Callable[[Job], dict | None]
    read: JobRule = STARTER_OR_STAFF
    retry: JobRule | None = None
    download: JobRule | None = None
    result_file: Callable[[Job], JobFile | None] = _no_file
    present: Callable[[Job], JobCard] = _plain_card
    retries: int = TRANSIENT_RETRIES
    #: seconds; past it the work is stopped and the row says so
    time_limit: int = JOB_TIME_LIMIT
    #: megabytes the work may add to the worker's memory (None: no limit)
    memory_limit_mb: int | None = None
    celery_task: object = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.key in _KINDS:
            raise ValueError(f"Job kind {self.key!r} is declared twice.")
        object.__setattr__(self, "celery_task", _build_task(self))
        _KINDS[self.key] = self

    @property
    def offers_file(self) -> bool:
        return self.result_file is not _no_file

    @property
    def retry_rule(self) -> JobRule:
        return self.retry or self.read

    @property
    def download_rule(self) -> JobRule:
        return self.download or self.read

    def readable(self, user):
        """The jobs of this kind ``user`` may read."""
        return Job.objects.filter(kind=self.key).filter(self.read.q(user))


_KINDS: dict[str, JobKind] = {}


def job_kind(kind: JobKind | str) -> JobKind:
    """The declaration of ``kind`` (itself, or found by its key)."""
    if isinstance(kind, JobKind):
        return kind
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"No job kind {kind!r} is declared.") from None


def job_kinds() -> list[JobKind]:
    return list(_KINDS.values())


def jobs_readable(user):
    """The jobs of every kind that ``user`` may read, each by its kind's
    ``read`` rule (the pages that show a job they link to, e.g. ``?job=``)."""
    condition = Q(pk__in=[])
    for kind in _KINDS.values():
        condition |= Q(kind=kind.key) & kind.read.q(user)
    return Job.objects.filter(condition)


def retry_delay(retries: int) -> float:
    """Seconds before try ``retries + 1``: 1, 2, 4 … up to the maximum, with
    some jitter so that jobs failing together do not come back together."""
    delay = min(2**retries, RETRY_BACKOFF_MAX)
    return delay * (0.5 + random.random() / 2)  # noqa: S311 (not for security)


def _build_task(kind: JobKind):
    @shared_task(
        name=kind.task,
        bind=True,
        max_retries=kind.retries,
        soft_time_limit=kind.time_limit,
        time_limit=kind.time_limit + JOB_HARD_TIME_MARGIN,
    )
    def run(self, job_id: int) -> None:
        retrying = self.request.retries < kind.retries
        # The broker gave this message back: the worker that had it died.
        redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
        try:
            job_run(
                job_id,
                kind.work,
                retry_on=TRANSIENT_ERRORS if retrying else (),
                max_attempts=kind.retries + 1 if redelivered else None,
                limits=JobLimits(seconds=kind.time_limit, memory_mb=kind.memory_limit_mb),
            )
        except TRANSIENT_ERRORS as error:
            raise self.retry(exc=error, countdown=retry_delay(self.request.retries)) from error

    run.__doc__ = f"Run a job of kind {kind.key!r} (built from its JobKind)."
    return run
