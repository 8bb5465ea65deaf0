"""Scoped reads of official documents."""

from django.db.models import Q

from ..access import action_roles, can, scope_q
from ..choices import DocumentStatus
from ..models import OfficialDocument


def documents_visible(user):
    """Staff see the documents of issuing units in their scope, drafts
    included; the units concerned see a document once it is published."""
    if not user.is_authenticated:
        return OfficialDocument.objects.none()
    staff = scope_q(user, "issuing_unit", action_roles("document.view"))
    received = Q(status=DocumentStatus.PUBLISHED) & Q(
        pk__in=OfficialDocument.recipient_units.through.objects.filter(scope_q(user, "unit")).values(
            "officialdocument_id"
        )
    )
    return OfficialDocument.objects.filter(staff | received)


def documents_editable(user):
    """Documents an inspector or administrator may draft, issue and sign."""
    if not can(user, "document.issue"):
        return OfficialDocument.objects.none()
    return OfficialDocument.objects.filter(scope_q(user, "issuing_unit", action_roles("document.issue")))
