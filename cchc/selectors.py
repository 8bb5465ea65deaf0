"""Scoped reads of the kernel's documents and jobs."""

from django.db.models import Q

from .access import STAFF_ROLES, has_role, scope_q
from .choices import Role
from .models import DocumentStatus, Job, OfficialDocument

EDITOR_ROLES = frozenset({Role.INSPECTOR, Role.ADMINISTRATOR})


def documents_visible(user):
    """Staff see the documents of issuing units in their scope, drafts
    included; the units concerned see a document once it is published."""
    if not user.is_authenticated:
        return OfficialDocument.objects.none()
    staff = scope_q(user, "issuing_unit", STAFF_ROLES)
    received = Q(status=DocumentStatus.PUBLISHED) & Q(
        pk__in=OfficialDocument.recipient_units.through.objects.filter(scope_q(user, "unit")).values(
            "officialdocument_id"
        )
    )
    return OfficialDocument.objects.filter(staff | received)


def documents_editable(user):
    """Documents an inspector or administrator may draft, issue and sign."""
    if not has_role(user, *EDITOR_ROLES):
        return OfficialDocument.objects.none()
    return OfficialDocument.objects.filter(scope_q(user, "issuing_unit", EDITOR_ROLES))


def jobs_visible(user):
    """Jobs a user started, and jobs of units in their staff scope."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(Q(created_by=user) | scope_q(user, "unit", STAFF_ROLES))


def jobs_retryable(user):
    """Jobs a user may put back in the queue: those they started, and those
    of units where they inspect or administer (a leader only reads)."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(Q(created_by=user) | scope_q(user, "unit", EDITOR_ROLES))
