"""Scoped reads of the kernel's jobs (documents: ``cchc.documents.selectors``)."""

from django.db.models import Q

from .access import STAFF, scope_q
from .models import Job


def jobs_visible(user):
    """Jobs a user started, and jobs of units in their staff scope."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(Q(created_by=user) | scope_q(user, "unit", STAFF))
