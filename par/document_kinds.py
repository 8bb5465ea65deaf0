"""The PAR index's official document, declared through the kernel's
registry (:mod:`cchc.documents.kinds`); the kernel finds this module at
start-up. Template: ``templates/official/par_decision.html``."""

from cchc.choices import DocumentKind
from cchc.documents.kinds import DocumentType, register

from . import publication

PAR_DECISION = register(
    DocumentType(
        key=DocumentKind.PAR_DECISION,
        type_name="QUYẾT ĐỊNH",
        type_code="QĐ",
        slug="par-decision",
        register="unit",
        signing="head",
        source="cycle",
        attaches="inline",
        draft=lambda cycle, **options: publication.decision_draft(
            province=cycle.province, year=cycle.year, **options
        ),
    )
)
