"""The PAR index's unit picker for other apps' forms (``cchc.unit_pickers``):
the lowest-ranked units of a province's published index of a year, for
next year's inspection plan."""

from django.utils.translation import gettext_lazy as _

from cchc.unit_pickers import UnitPicker, register

from .choices import CycleStatus
from .models import Result


def lowest_ranked(province, year: int, count: int = 10) -> list:
    """Up to ``count`` units of every block, lowest index first, from the
    published cycles of ``year``."""
    results = (
        Result.objects.filter(cycle__province=province, cycle__year=year, cycle__status=CycleStatus.PUBLISHED)
        .select_related("unit")
        .order_by("index", "unit__path")
    )
    return [result.unit for result in results[:count]]


LOWEST_RANKED = register(
    UnitPicker(
        key="par_lowest_ranked",
        label=_("Đơn vị xếp hạng thấp nhất Chỉ số CCHC năm trước"),
        pick=lowest_ranked,
    )
)
