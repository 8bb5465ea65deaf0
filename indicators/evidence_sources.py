"""The TTHC figures indicator tables hold for the PAR index's proposals,
declared through the kernel's registry (``cchc.evidence_sources``): the
share of dossiers resolved on time (Phụ lục 03, row 5.1 for departments,
5.2 for districts, 5.3 for communes) in the unit's approved or locked table
of the year (the latest period)."""

from django.utils.translation import gettext as _

from cchc.choices import UnitKind
from cchc.evidence_sources import EvidenceSource, Fact, register

from .choices import TableStatus
from .models import IndicatorValue

ROW_BY_KIND = {UnitKind.DEPARTMENT: "5.1", UnitKind.DISTRICT: "5.2", UnitKind.COMMUNE: "5.3"}


def dossiers_on_time(unit, year: int) -> Fact | None:
    row = ROW_BY_KIND.get(unit.kind)
    if row is None:
        return None
    value = (
        IndicatorValue.objects.filter(
            table__unit=unit,
            table__year=year,
            table__status__in=(TableStatus.APPROVED, TableStatus.LOCKED),
            indicator__template__code="PL03",
            indicator__number=row,
            number__isnull=False,
            denominator__gt=0,
        )
        .order_by("-table__through")
        .select_related("table")
        .first()
    )
    if value is None:
        return None
    return Fact(
        detail=_("Phụ lục 03, chỉ tiêu %(row)s (số liệu đến %(d)s): %(n)s/%(t)s hồ sơ giải quyết đúng hạn.")
        % {
            "row": row,
            # A table without a "through" day holds the whole year.
            "d": value.table.through.strftime("%d/%m/%Y") if value.table.through else f"31/12/{year}",
            "n": value.number,
            "t": value.denominator,
        },
        numerator=value.number,
        denominator=value.denominator,
    )


register(EvidenceSource(key="indicators", label=_("Số liệu chỉ tiêu TTHC"), fact=dossiers_on_time))
