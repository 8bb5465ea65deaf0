"""Kernel pages: home and background jobs (official documents:
``cchc.documents.views``)."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from . import selectors
from .access import can
from .jobs import JobError, job_retry
from .mixins import ScopedViewMixin
from .notifications import notifications_mark_read, notifications_of


@login_required
def home(request):
    """Provincial staff start at the inspections; an inspected unit's people
    at their unit's tasks and deadlines."""
    if can(request.user, "plan.view"):
        return redirect("inspections:inspection_list")
    return redirect("inspections:unit_home")


def job_partial(request, job):
    """The job card. Polled by HTMX, it links "reload" to the page that
    shows it (``HX-Current-URL``, if it is on this site), not to itself."""
    page_url = request.path
    current = request.headers.get("HX-Current-URL", "")
    if current and url_has_allowed_host_and_scheme(
        current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(current)
        page_url = parts.path + (f"?{parts.query}" if parts.query else "")
    return render(request, "cchc/partials/job.html", {"job": job, "page_url": page_url})


class JobView(ScopedViewMixin, View):
    """A job's progress (a partial the page polls while it runs)."""

    def get(self, request, pk):
        job = get_object_or_404(selectors.jobs_visible(request.user), pk=pk)
        return job_partial(request, job)


class JobRetryView(ScopedViewMixin, View):
    """Put a failed job back in the queue: the person who started it, or an
    inspector or administrator over its unit (a leader reads, 403)."""

    def post(self, request, pk):
        job = get_object_or_404(selectors.jobs_visible(request.user), pk=pk)
        if not selectors.jobs_retryable(request.user).filter(pk=job.pk).exists():
            raise PermissionDenied
        try:
            job_retry(job=job)
        except JobError as error:
            messages.error(request, str(error))
        return job_partial(request, job)


class NotificationListView(ScopedViewMixin, View):
    """The user's own notifications, and "mark all read"."""

    def get(self, request):
        notifications = notifications_of(request.user)
        return render(request, "cchc/notifications.html", {"notifications": notifications})

    def post(self, request):
        notifications_mark_read(user=request.user)
        if request.htmx:
            return HttpResponse(status=204)
        return redirect("notifications")
