"""The dashboard as a PDF handout for a meeting, made by a background job.

``handout_create`` records a job with the dashboard's filters; the worker
(``handout_work``) checks again that the user may still see the unit,
builds the four pages' view-models, renders ``dashboards/handout_pdf.html``
with ``cchc.documents.pdf.render_pdf`` and keeps the file under a name derived from
the job, so running the job twice renders once. Only the user who asked
for a handout downloads it: it holds the figures of their scope.

Handouts are not kept for long: once a handout is made, the earlier ones of
the same user and filters go (``handouts_superseded_delete``), and a daily
task (``handouts_cleanup``, Celery beat) keeps, per user and filters, only
the latest, none older than ``CCHC_HANDOUT_KEEP_DAYS`` days, and removes
files no job holds any more. A handout goes with its job: the row, then its
file once the deletion is committed.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.access import OutOfScope
from cchc.documents.pdf import FONT_STACK, render_pdf
from cchc.jobs import JobError, job_create, job_files_delete, job_files_stored, job_progress
from cchc.models import Job, JobStatus, Unit, User
from cchc.text import fold, whole_number

from . import pages, selectors
from .db import dashboard_queries
from .rollup import rollup_refresh
from .selectors import Scope

HANDOUT_JOB = "dashboard_handout"
STEPS = len(pages.BUILDERS) + 1
HANDOUT_FOLDER = "private/dashboards/handouts"
FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)


def _job_unit(scope: Scope, user: User) -> Unit:
    """The unit the job belongs to (who else may see its progress)."""
    if scope.root is not None:
        return scope.root
    roots = selectors.dashboard_roots(user)
    if roots:
        return roots[0]
    unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise JobError(_("Chưa có đơn vị nào để lập tài liệu."))
    return unit


@transaction.atomic
def handout_create(*, scope: Scope, user: User) -> Job:
    """Queue the handout of the dashboard ``scope`` shows."""
    return job_create(
        kind=HANDOUT_JOB,
        unit=_job_unit(scope, user),
        params=scope.params(),
        total=STEPS,
        user=user,
    )


def query_of(job: Job) -> str:
    return urlencode({key: value for key, value in job.params.items() if value not in (None, "")})


def storage_name(job: Job) -> str:
    return f"{HANDOUT_FOLDER}/{job.pk}.pdf"


def handout_name(job: Job) -> str:
    year = job.params.get("year", "")
    return f"tai-lieu-hop-cchc-{year}-{job.pk}.pdf"


def handout_file(job: Job) -> str | None:
    """The stored name of the finished handout, or None."""
    name = storage_name(job)
    if job.kind != HANDOUT_JOB or job.status != JobStatus.SUCCEEDED or not default_storage.exists(name):
        return None
    return name


def handout_context(scope: Scope, progress=None) -> dict:
    models = {}
    for step, (key, build) in enumerate(pages.BUILDERS.items(), start=1):
        models[key] = build(scope)
        if progress:
            progress(step, str(dict(pages.PAGES)[key]))
    return {
        "scope": scope,
        "scope_title": pages.scope_title(scope),
        "made_at": timezone.localtime(),
        "font_stack": FONT_STACK,
        "link_prefix": settings.CCHC_PUBLIC_URL,
        **models,
    }


def handout_html(scope: Scope, progress=None) -> str:
    return render_to_string("dashboards/handout_pdf.html", handout_context(scope, progress))


def handout_work(job: Job) -> dict:
    """Render the handout of ``job`` (idempotent: an existing file is kept)."""
    name = storage_name(job)
    result = {"file": name, "name": handout_name(job)}
    if default_storage.exists(name):
        handouts_superseded_delete(job)
        return result
    user = job.created_by
    if user is None or not user.is_active:
        raise JobError(_("Người yêu cầu tài liệu không còn hoạt động."))
    params = job.params
    rollup_refresh()
    try:
        scope = selectors.resolve_scope(
            user,
            unit_id=params.get("unit"),
            year=params.get("year"),
            mode=params.get("mode"),
            area_id=params.get("area"),
            document_id=params.get("document"),
        )
    except OutOfScope:
        raise JobError(_("Bạn không còn quyền xem số liệu của đơn vị này.")) from None

    def progress(done: int, step: str) -> None:
        job_progress(job.pk, done=done, total=STEPS, step=_("Đang tổng hợp: %(step)s") % {"step": step})

    with dashboard_queries():
        html = handout_html(scope, progress)
    job_progress(job.pk, done=STEPS - 1, total=STEPS, step=_("Đang tạo bản PDF"))
    pdf = render_pdf(html)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(pdf))
    handouts_superseded_delete(job)
    result["bytes"] = len(pdf)
    result["title"] = fold(pages.scope_title(scope))[:200]
    return result


# --- keeping only what is needed ---------------------------------------------------------


def keep_days() -> int:
    return settings.CCHC_HANDOUT_KEEP_DAYS


def handout_key(job: Job) -> tuple:
    """Handouts of the same user and the same filters replace each other."""
    return job.created_by_id, json.dumps(job.params, sort_keys=True)


def handouts_delete(jobs: Iterable[Job]) -> int:
    """Delete handout jobs and, once that is committed, their files."""
    jobs = list(jobs)
    ids = [job.pk for job in jobs]
    if not ids:
        return 0
    Job.objects.filter(pk__in=ids, kind=HANDOUT_JOB).delete()
    job_files_delete(storage_name(job) for job in jobs)
    return len(ids)


def handouts_superseded_delete(job: Job) -> int:
    """The handout of ``job`` is made: the other finished handouts of the same
    user and filters go (a job still waiting or running is left alone)."""
    key = handout_key(job)
    others = (
        Job.objects.filter(kind=HANDOUT_JOB, created_by_id=job.created_by_id, status__in=FINISHED)
        .exclude(pk=job.pk)
        .only("pk", "created_by_id", "params")
    )
    return handouts_delete([other for other in others if handout_key(other) == key])


def handouts_cleanup(now: datetime.datetime | None = None) -> dict:
    """Run daily: delete the handouts older than ``CCHC_HANDOUT_KEEP_DAYS``
    days (whatever their state) and those of users who are gone; of the
    others, keep per user and filters the latest made, a failed attempt
    made after it and any job still waiting or running; delete the files no
    job holds."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=keep_days())
    jobs = Job.objects.filter(kind=HANDOUT_JOB).only(
        "pk", "created_by_id", "params", "status", "created_at", "finished_at"
    )
    expired, recent = [], []
    for job in jobs:
        (expired if job.created_at < cutoff or job.created_by_id is None else recent).append(job)
    latest: dict[tuple, Job] = {}
    for job in recent:
        kept = latest.get(handout_key(job))
        if job.status == JobStatus.SUCCEEDED and (kept is None or _made_at(job) > _made_at(kept)):
            latest[handout_key(job)] = job
    superseded = []
    for job in recent:
        kept = latest.get(handout_key(job))
        if kept is None or job.pk == kept.pk or job.status not in FINISHED:
            continue
        if job.status == JobStatus.SUCCEEDED or _made_at(job) < _made_at(kept):
            superseded.append(job)
    handouts_delete(expired + superseded)
    deleted = {storage_name(job) for job in expired + superseded}
    return {"expired": len(expired), "superseded": len(superseded), "orphan_files": _orphans_delete(deleted)}


def _made_at(job: Job) -> tuple:
    return job.finished_at or job.created_at, job.pk


def _orphans_delete(deleted: set[str]) -> int:
    """Delete the files of the handout folder that no handout job holds,
    except those of the jobs just ``deleted`` (they go once that is
    committed). The folder is listed before the jobs are read: a job's row
    is committed before its file is written, so a file listed without a row
    is not one being made."""
    files = job_files_stored(HANDOUT_FOLDER)
    stems = [name.rsplit("/", 1)[-1].removesuffix(".pdf") for name in files]
    ids = [number for stem in stems if (number := whole_number(stem)) is not None]
    held = {storage_name(job) for job in Job.objects.filter(kind=HANDOUT_JOB, pk__in=ids).only("pk")}
    orphans = [name for name in files if name not in held and name not in deleted]
    job_files_delete(orphans)
    return len(orphans)
