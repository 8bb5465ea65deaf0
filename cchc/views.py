"""Kernel pages: home and the user's notifications (official documents:
``cchc.documents.views``; background jobs: ``cchc.jobs.views``)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from .access import can
from .mixins import ScopedViewMixin
from .notifications import notifications_mark_read, notifications_of


@login_required
def home(request):
    """Provincial staff start at the inspections; an inspected unit's people
    at their unit's tasks and deadlines."""
    if can(request.user, "plan.view"):
        return redirect("inspections:inspection_list")
    return redirect("inspections:unit_home")


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
