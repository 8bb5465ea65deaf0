"""The permission mixin every view uses: it checks the action and narrows
the queryset to the user's units, so that an object out of scope is a 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .access import OutOfScope, can


class ScopedViewMixin(LoginRequiredMixin):
    """``required_action``: an action of ``cchc.access.ACTIONS`` the user
    must be allowed (403 otherwise). ``scoped_queryset(user)``: the selector
    that narrows the objects; ``get_object()`` always reads through it.
    A selector's ``OutOfScope`` is a 404."""

    required_action: str | None = None
    pk_url_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_action and not can(request.user, self.required_action):
            raise PermissionDenied
        try:
            return super().dispatch(request, *args, **kwargs)
        except OutOfScope as error:
            raise Http404(str(error)) from error

    def scoped_queryset(self, user):
        raise ImproperlyConfigured(f"{type(self).__name__} must define scoped_queryset().")

    def get_queryset(self):
        return self.scoped_queryset(self.request.user)

    def get_object(self, queryset=None):
        """The object named by the URL, from the scoped queryset: 404 when
        it is out of the user's scope."""
        if queryset is None:
            queryset = self.get_queryset()
        return get_object_or_404(queryset, pk=self.kwargs[self.pk_url_kwarg])


class HtmxPartialMixin:
    """A page that answers an HTMX request with its partial only (when
    ``partial_target`` is set, only a request that targets that element)."""

    partial_template_name: str = ""
    partial_target: str = ""

    def get_template_names(self):
        htmx = self.request.htmx
        if htmx and self.partial_template_name and htmx.target in (self.partial_target or htmx.target,):
            return [self.partial_template_name]
        return super().get_template_names()
