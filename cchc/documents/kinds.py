"""Document kinds as declarations: one :class:`DocumentType` per kind, in
one place, so that adding a kind is one declaration.

A declaration says what the kind prints and how it lives: its type name
and code (Phụ lục III of Nghị định 30/2020), whose register numbers it, its
template, how its signing block is built, what it attaches, and the
function that drafts it. The kernel declares the registry and the kinds
that are born in the kernel; an app declares the kinds it drafts in its
``document_kinds`` module (found at start-up, as job kinds are found in
``jobs``), so the kernel never imports the app::

    register(DocumentType(key=DocumentKind.CONCLUSION_NOTICE, ..., draft=notice_draft))

``draft(source, user=..., **options)`` returns the draft document (the
existing draft when there is one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..choices import DocumentKind


@dataclass(frozen=True)
class DocumentType:
    key: str  # a DocumentKind value
    type_name: str  # printed above the summary; "" for a công văn
    type_code: str  # in the symbol: "TB", "KH", "QĐ"; "" for a công văn
    slug: str  # in URLs: /plans/<pk>/documents/<slug>/
    register: str  # whose register numbers it: "team" (a team with its symbol) or "unit"
    signing: (
        str  # the signing block: "team", "committee" (TM. ỦY BAN NHÂN DÂN), "head" (KT. CHỦ TỊCH), "office"
    )
    source: str  # what it is drafted from: "inspection", "plan", "team"
    template: str = ""
    attaches: str = ""  # "appendix" (its own file), "inline" (after the sign-off), ""
    draft: Callable | None = field(default=None, compare=False)

    @property
    def template_name(self) -> str:
        return self.template or f"official/{self.key}.html"


_TYPES: dict[str, DocumentType] = {}


def register(document_type: DocumentType) -> DocumentType:
    """Declare a kind (once; declaring it again replaces it, as a reload does)."""
    _TYPES[document_type.key] = document_type
    return document_type


def get(key: str) -> DocumentType | None:
    return _TYPES.get(key)


def type_fields(key: str) -> dict:
    """The fields of :class:`~cchc.models.OfficialDocument` a kind's
    declaration fixes (its kind, type code and printed type name), for the
    drafting functions, so that each is written once."""
    declared = _TYPES[key]
    return {"kind": declared.key, "type_code": declared.type_code, "type_name": declared.type_name}


def by_slug(slug: str, source: str | None = None) -> DocumentType | None:
    return next(
        (t for t in _TYPES.values() if t.slug == slug and (source is None or t.source == source)), None
    )


def declared() -> list[DocumentType]:
    return list(_TYPES.values())


# The appendix of a report in its own file: no drafting of its own (its report drafts it).
register(
    DocumentType(
        key=DocumentKind.REPORT_APPENDIX,
        type_name="PHỤ LỤC",
        type_code="BC",
        slug="appendix",
        register="team",
        signing="team",
        source="plan",
    )
)
