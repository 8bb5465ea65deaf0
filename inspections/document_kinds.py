"""The kinds of official document drafted from plans, teams and
inspections, declared once each through the kernel's registry
(:mod:`cchc.documents.kinds`); the kernel finds this module at start-up."""

from cchc.choices import DocumentKind
from cchc.documents.kinds import DocumentType, register

from . import drafting

INSPECTION_PLAN = register(
    DocumentType(
        key=DocumentKind.INSPECTION_PLAN,
        type_name="KẾ HOẠCH",
        type_code="KH",
        slug="plan",
        register="unit",
        signing="committee",
        source="plan",
        attaches="inline",
        draft=lambda plan, **options: drafting.plan_document_draft(plan=plan, **options),
    )
)
TEAM_DECISION = register(
    DocumentType(
        key=DocumentKind.TEAM_DECISION,
        type_name="QUYẾT ĐỊNH",
        type_code="QĐ",
        slug="decision",
        register="unit",
        signing="head",
        source="team",
        attaches="inline",
        draft=lambda team, **options: drafting.team_decision_draft(team=team, **options),
    )
)
CONCLUSION_NOTICE = register(
    DocumentType(
        key=DocumentKind.CONCLUSION_NOTICE,
        type_name="THÔNG BÁO",
        type_code="TB",
        slug="notice",
        register="team",
        signing="team",
        source="inspection",
        draft=lambda inspection, **options: drafting.notice_draft(inspection=inspection, **options),
    )
)
CONFERENCE_NOTICE = register(
    DocumentType(
        key=DocumentKind.CONFERENCE_NOTICE,
        type_name="THÔNG BÁO",
        type_code="TB",
        slug="conference",
        register="unit",
        signing="office",
        source="plan",
        draft=lambda plan, **options: drafting.conference_draft(plan=plan, **options),
    )
)
INSPECTION_REPORT = register(
    DocumentType(
        key=DocumentKind.INSPECTION_REPORT,
        type_name="BÁO CÁO",
        type_code="BC",
        slug="report",
        register="team",
        signing="team",
        source="plan",
        attaches="appendix",
        draft=lambda plan, **options: drafting.report_draft(plan=plan, **options),
    )
)
FOLLOW_UP_LETTER = register(
    DocumentType(
        key=DocumentKind.FOLLOW_UP_LETTER,
        type_name="",
        type_code="",
        slug="letter",
        register="unit",
        signing="committee",
        source="plan",
        draft=lambda plan, **options: drafting.follow_up_draft(plan=plan, **options),
    )
)
