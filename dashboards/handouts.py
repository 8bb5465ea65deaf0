"""The dashboard as a PDF handout for a meeting, made by a background job.

``handout_create`` records a job with the dashboard's filters; the worker
(``handout_work``) checks again that the user may still see the unit,
builds the four pages' view-models, renders ``dashboards/handout_pdf.html``
with ``cchc.pdf.render_pdf`` and keeps the file under a name derived from
the job, so running the job twice renders once. Only the user who asked
for a handout downloads it: it holds the figures of their scope.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.jobs import JobError, job_create, job_progress
from cchc.models import Job, JobStatus, Unit, User
from cchc.pdf import FONT_STACK, render_pdf
from cchc.text import fold

from . import pages, selectors
from .db import dashboard_queries
from .rollup import rollup_refresh
from .selectors import Scope

HANDOUT_JOB = "dashboard_handout"
STEPS = len(pages.BUILDERS) + 1


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
    return f"private/dashboards/handouts/{job.pk}.pdf"


def handout_name(job: Job) -> str:
    year = job.params.get("year", "")
    return f"tai-lieu-hop-cchc-{year}-{job.pk}.pdf"


def handout_path(job: Job):
    """The finished handout as a file on disk, or None."""
    name = storage_name(job)
    if job.status != JobStatus.SUCCEEDED or not default_storage.exists(name):
        return None
    return Path(default_storage.path(name))


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
        )
    except Http404:
        raise JobError(_("Bạn không còn quyền xem số liệu của đơn vị này.")) from None

    def progress(done: int, step: str) -> None:
        job_progress(job.pk, done=done, total=STEPS, step=_("Đang tổng hợp: %(step)s") % {"step": step})

    with dashboard_queries():
        html = handout_html(scope, progress)
    job_progress(job.pk, done=STEPS - 1, total=STEPS, step=_("Đang tạo bản PDF"))
    pdf = render_pdf(html)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(pdf))
    result["bytes"] = len(pdf)
    result["title"] = fold(pages.scope_title(scope))[:200]
    return result
