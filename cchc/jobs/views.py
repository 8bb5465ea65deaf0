"""One set of pages for every kind of job: the job's page (or its card,
which the page polls with HTMX while it runs), retry, and the file a
finished job made. The job's kind says who may do which (``JobRule``) and
what the card shows (its presenter)."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from ..audit import audit_download
from ..choices import JobStatus
from ..models import Job
from ..uploads import attachment_headers
from .kinds import JobKind, JobRule, job_kind
from .services import JobError, job_retry


def job_card_context(request, job: Job, kind: JobKind | None = None) -> dict:
    """What the card template needs. Polled by HTMX, the card links
    "reload" to the page that shows it (``HX-Current-URL``, if it is on this
    site), not to itself."""
    kind = kind or job_kind(job.kind)
    page_url = request.path
    current = request.headers.get("HX-Current-URL", "")
    if current and url_has_allowed_host_and_scheme(
        current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(current)
        page_url = parts.path + (f"?{parts.query}" if parts.query else "")
    return {
        "job": job,
        "card": kind.present(job),
        "offers_file": kind.offers_file,
        "file_ready": kind.offers_file
        and job.status == JobStatus.SUCCEEDED
        and kind.result_file(job) is not None,
        "page_url": page_url,
        "reload_when_done": request.GET.get("done") == "reload",
    }


class JobMixin(LoginRequiredMixin, View):
    """The job named in the URL, if the user may do ``action`` with it: a
    user without the kind's roles is refused (403), a job out of their
    scope is not found (404)."""

    action = "read"

    def get_job(self, pk) -> tuple[Job, JobKind]:
        job = Job.objects.select_related("unit").filter(pk=pk).first()
        if job is None:
            raise Http404
        try:
            kind = job_kind(job.kind)
        except LookupError:
            raise Http404 from None
        if not kind.read.allows(self.request.user):
            raise PermissionDenied
        if not self._allowed(kind.read, job):
            raise Http404
        rule = {"read": kind.read, "retry": kind.retry_rule, "file": kind.download_rule}[self.action]
        if rule is not kind.read and not (rule.allows(self.request.user) and self._allowed(rule, job)):
            raise PermissionDenied
        return job, kind

    def _allowed(self, rule: JobRule, job: Job) -> bool:
        return Job.objects.filter(pk=job.pk).filter(rule.q(self.request.user)).exists()


class JobView(JobMixin):
    """The job's page; its card alone when HTMX polls it."""

    def get(self, request, pk):
        job, kind = self.get_job(pk)
        context = job_card_context(request, job, kind)
        if request.htmx and context["reload_when_done"] and job.is_finished:
            # The page that holds the card shows the result itself: reload it.
            return HttpResponse(headers={"HX-Refresh": "true"})
        if request.htmx:
            return render(request, "cchc/partials/job.html", context)
        return render(request, "cchc/job.html", context)


class JobRetryView(JobMixin):
    """Put a failed job back in the queue."""

    action = "retry"

    def post(self, request, pk):
        job, kind = self.get_job(pk)
        try:
            job_retry(job=job)
        except JobError as error:
            messages.error(request, str(error))
        if request.htmx:
            job.refresh_from_db()
            return render(request, "cchc/partials/job.html", job_card_context(request, job, kind))
        return redirect("job_detail", pk=job.pk)


class JobFileView(JobMixin):
    """The file a finished job made, from storage, as an attachment."""

    action = "file"

    def get(self, request, pk):
        job, kind = self.get_job(pk)
        if job.status != JobStatus.SUCCEEDED:
            raise Http404
        found = kind.result_file(job)
        if found is None:
            raise Http404
        response = FileResponse(default_storage.open(found.name, "rb"), content_type=found.content_type)
        audit_download(request, obj=job, unit=job.unit, name=found.download_name)
        return attachment_headers(response, name=found.download_name)
