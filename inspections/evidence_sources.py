"""The facts inspections hold for the PAR index's proposals, declared
through the kernel's registry (``cchc.evidence_sources``): the unit's
inspection plan of the year (issued when), the share of its planned
inspections concluded, and the share of remediation tasks given to it that
were accepted."""

import datetime

from django.utils.translation import gettext as _

from cchc.evidence_sources import EvidenceSource, Fact, register

from .choices import InspectionStatus, TaskStatus
from .models import Inspection, InspectionPlan, RemediationTask

#: A yearly inspection plan is on time when issued by 31 January of its
#: year (the usual deadline of the province's CCHC plan guidance).
PLAN_DUE = (1, 31)


def plan_issued(unit, year: int) -> Fact | None:
    plan = InspectionPlan.objects.filter(issuer=unit, year=year).order_by("issued_on", "pk").first()
    due = datetime.date(year, *PLAN_DUE)
    if plan is None:
        return Fact(
            detail=_("Không có kế hoạch kiểm tra CCHC năm %(y)s trong hệ thống.") % {"y": year}, due=due
        )
    return Fact(
        detail=_("Kế hoạch kiểm tra số %(n)s ban hành ngày %(d)s (hạn %(due)s).")
        % {"n": plan.number, "d": plan.issued_on.strftime("%d/%m/%Y"), "due": due.strftime("%d/%m/%Y")},
        issued_on=plan.issued_on,
        due=due,
    )


def inspections_done(unit, year: int) -> Fact | None:
    planned = Inspection.objects.filter(plan__issuer=unit, plan__year=year)
    total = planned.count()
    if not total:
        return None
    done = planned.filter(status__in=(InspectionStatus.CONCLUDED, InspectionStatus.CLOSED)).count()
    return Fact(
        detail=_("%(d)s trên %(t)s cuộc kiểm tra theo kế hoạch năm %(y)s đã ban hành kết luận.")
        % {"d": done, "t": total, "y": year},
        numerator=done,
        denominator=total,
    )


def remediation_accepted(unit, year: int) -> Fact | None:
    tasks = RemediationTask.objects.filter(responsible_unit=unit, deadline__year=year)
    total = tasks.count()
    if not total:
        return None
    accepted = tasks.filter(status=TaskStatus.ACCEPTED).count()
    return Fact(
        detail=_("%(a)s trên %(t)s nhiệm vụ khắc phục hạn trong năm %(y)s đã được chấp nhận kết quả.")
        % {"a": accepted, "t": total, "y": year},
        numerator=accepted,
        denominator=total,
    )


register(
    EvidenceSource(key="inspection_plan", label=_("Kế hoạch kiểm tra CCHC đã ban hành"), fact=plan_issued)
)
register(
    EvidenceSource(
        key="inspections_done",
        label=_("Tỷ lệ cuộc kiểm tra đã thực hiện theo kế hoạch"),
        fact=inspections_done,
    )
)
register(
    EvidenceSource(
        key="remediation", label=_("Tỷ lệ nội dung kiến nghị đã khắc phục"), fact=remediation_accepted
    )
)
