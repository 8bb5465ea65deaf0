"""Kernel pages: home and the user's notifications (official documents:
``cchc.documents.views``; background jobs: ``cchc.jobs.views``)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .access import EDITORS, can, has_role
from .choices import Role
from .middleware import LanguageMiddleware
from .mixins import ScopedViewMixin
from .notifications import notifications_mark_read, notifications_of
from .services import user_language_set


@login_required
def home(request):
    """A leader starts at the dashboard; inspectors and administrators at
    the inspections; an inspected unit's people at their unit's tasks and
    deadlines."""
    if has_role(request.user, Role.LEADER) and not has_role(request.user, *EDITORS):
        if can(request.user, "dashboard.view"):
            return redirect("dashboards:overview")
    if can(request.user, "plan.view"):
        return redirect("inspections:inspection_list")
    if has_role(request.user, Role.APPRAISER) and not can(request.user, "report.write"):
        # A council member who only appraises starts at the PAR appraisal.
        return redirect("par_units:appraisal")
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


@require_POST
def set_language(request):
    """The language menu: Django's view (the cookie, for the login page),
    and the choice kept on a signed-in user. On the public verification
    page, which always opens in Vietnamese, the choice goes into the
    address instead."""
    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        return django_set_language(request)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    following = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(following, {request.get_host()}, request.is_secure())
    if safe and following.startswith(LanguageMiddleware.PUBLIC_PREFIX):
        return redirect(f"{following.split('?')[0]}?{urlencode({'lang': language})}")
    return django_set_language(request)
