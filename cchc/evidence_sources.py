"""Sources of facts the system already holds, declared by the apps that own
them, for the PAR index's proposals (item 4 of issue 14): "the plan was
issued on 20/01", "7 of 8 planned inspections done", "41 of 45 findings
remedied", "1,230 of 1,250 dossiers on time".

The kernel declares the registry only. ``inspections`` and ``indicators``
declare their sources in a module named ``evidence_sources`` (found at
start-up by ``CchcConfig.ready``, as job and document kinds are), so the
kernel imports no app, the two apps do not import each other, and ``par``
asks by key (``CriteriaNode.proposal_source``) without importing either::

    register(EvidenceSource(key="inspections_done", label=..., fact=done_share))

``fact(unit, year)`` returns a :class:`Fact` or ``None`` when the records
hold nothing for the unit and year."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fact:
    """What a source found: a share (``numerator`` of ``denominator``), or a
    date (``issued_on``, with ``due`` when the records know the deadline);
    the basis in words (Vietnamese) and the issued documents behind it."""

    detail: str
    numerator: int | None = None
    denominator: int | None = None
    issued_on: datetime.date | None = None
    due: datetime.date | None = None
    document_ids: tuple[int, ...] = field(default_factory=tuple)

    @property
    def is_share(self) -> bool:
        return self.denominator is not None


@dataclass(frozen=True)
class EvidenceSource:
    key: str
    label: str
    fact: Callable[..., Fact | None] = field(compare=False)


_SOURCES: dict[str, EvidenceSource] = {}


def register(source: EvidenceSource) -> EvidenceSource:
    """Declare a source (declaring it again replaces it, as a reload does)."""
    _SOURCES[source.key] = source
    return source


def get(key: str) -> EvidenceSource | None:
    return _SOURCES.get(key)


def declared() -> list[EvidenceSource]:
    return list(_SOURCES.values())
