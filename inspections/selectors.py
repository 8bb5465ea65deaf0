"""Scoped reads of inspections and what hangs off them.

Provincial staff (inspectors, leaders, administrators) see the plans issued
by units in their scope, with every inspection in them, drafts included. An
inspected unit's people see their own inspections only once the conclusion
is issued, and the tasks their units are responsible for.
"""

from django.db.models import Count, Prefetch, Q

from cchc.access import STAFF_ROLES, has_role, scope_q

from .choices import FindingKind
from .models import Finding, Inspection, InspectionPlan, RemediationTask


def _inspection_q(user, prefix: str = "") -> Q:
    staff = scope_q(user, f"{prefix}plan__issuer", STAFF_ROLES)
    inspected = scope_q(user, f"{prefix}unit") & Q(**{f"{prefix}notice_issued_at__isnull": False})
    return staff | inspected


def plans_visible(user):
    """Plans issued by units in the user's staff scope."""
    if not has_role(user, *STAFF_ROLES):
        return InspectionPlan.objects.none()
    return InspectionPlan.objects.filter(scope_q(user, "issuer", STAFF_ROLES))


def inspections_visible(user):
    """Inspections a user may open; anything else is a 404."""
    if not user.is_authenticated:
        return Inspection.objects.none()
    return Inspection.objects.filter(_inspection_q(user))


def inspection_list(user):
    return (
        inspections_visible(user)
        .select_related("plan", "plan__issuer", "unit", "team")
        .annotate(
            finding_count=Count("findings", distinct=True),
            task_count=Count("tasks", distinct=True),
        )
    )


def inspection_detail(user):
    """Inspections with what their page shows, in a fixed number of queries."""
    return inspections_visible(user).select_related("plan", "plan__issuer", "unit", "team").prefetch_related(
        "team__members",
        Prefetch(
            "findings",
            queryset=Finding.objects.select_related("reform_area").order_by("kind", "position", "id"),
        ),
        Prefetch(
            "tasks",
            queryset=RemediationTask.objects.with_overdue().select_related("responsible_unit", "finding"),
        ),
    )


def tasks_visible(user):
    """Tasks of inspections a user may see, and tasks their units must do
    once the conclusion is issued."""
    if not user.is_authenticated:
        return RemediationTask.objects.none()
    responsible = scope_q(user, "responsible_unit") & Q(inspection__notice_issued_at__isnull=False)
    return RemediationTask.objects.filter(_inspection_q(user, "inspection__") | responsible)


def can_edit_inspection(user, inspection: Inspection) -> bool:
    """Inspectors of the issuing unit's scope edit inspections and findings."""
    return (
        has_role(user, "inspector", "administrator")
        and plans_visible(user).filter(pk=inspection.plan_id).exists()
    )


def findings_by_kind(inspection: Inspection) -> list[tuple[str, str, list[Finding]]]:
    """The three parts of a conclusion, in print order, with their points."""
    findings = list(inspection.findings.all())
    return [
        (kind.value, kind.label, [f for f in findings if f.kind == kind.value])
        for kind in (FindingKind.ACHIEVEMENT, FindingKind.SHORTCOMING, FindingKind.RECOMMENDATION)
    ]
