"""The permission mixin every view uses: it checks the role and narrows the
queryset to the user's units, so that an object out of scope is a 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from .access import has_role


class ScopedViewMixin(LoginRequiredMixin):
    """``required_roles``: any of them lets the user in (403 otherwise).
    ``scoped_queryset(user)``: the selector that narrows the objects."""

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_roles and not has_role(request.user, *self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self, user):
        raise ImproperlyConfigured(f"{type(self).__name__} must define scoped_queryset().")

    def get_queryset(self):
        return self.scoped_queryset(self.request.user)
