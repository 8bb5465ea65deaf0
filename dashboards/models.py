"""Where the figures of units that ended are counted today.

Dashboards look at today's units (the figures of a district that ended in
2025 count under the communes that took it over) or at the units as they
were in a year. The first needs, for every unit that ended, the unit that
carries on its work today, following succession links through every later
merger (xã Duy Thu → xã Duy Tân in 2025-01 → xã Thu Bồn in 2025-07).

Walking ``UnitSuccession`` for every request would cost a query per link
hop; ``UnitRollup`` keeps the answer, one row per unit with the current
unit's path, so that the dashboards' aggregates join it once, filter on a
path prefix through its index and group by it in the database. ``RollupState`` holds a fingerprint of the
links it was built from; ``dashboards.rollup.rollup_refresh`` rebuilds the
rows when the links or the ended units change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.models import Unit


class UnitRollup(models.Model):
    """Where a unit's figures count today: the current unit that carries on
    its work (đơn vị kế thừa hiện nay), with that unit's tree path copied
    here so that the dashboards filter and group by it through one join and
    one index. A unit that has not ended is its own current unit; every
    unit has a row."""

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("đơn vị"),
        related_name="dashboard_rollup",
        on_delete=models.CASCADE,
        primary_key=True,
    )
    current = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị kế thừa hiện nay"),
        related_name="dashboard_rolled_up_from",
        on_delete=models.CASCADE,
        help_text=_(
            "Đơn vị đang hoạt động tiếp nối công việc, theo các liên kết kế thừa; "
            "đơn vị có nhiều đơn vị kế thừa được tính cho đơn vị kế thừa đầu tiên."
        ),
    )
    current_path = models.CharField(
        _("đường dẫn cây của đơn vị kế thừa"),
        max_length=400,
        db_index=True,
        help_text=_("Bản sao Unit.path của đơn vị kế thừa hiện nay, để lọc theo tiền tố đường dẫn."),
    )
    hops = models.PositiveSmallIntegerField(_("số lần kế thừa"), default=0)

    class Meta:
        verbose_name = _("đơn vị kế thừa hiện nay")
        verbose_name_plural = _("đơn vị kế thừa hiện nay")
        ordering = ["unit_id"]

    def __str__(self):
        return f"{self.unit_id} → {self.current_id}"


class RollupState(models.Model):
    """The fingerprint of the succession links and ended units that the
    ``UnitRollup`` rows were built from (a single row)."""

    fingerprint = models.CharField(_("dấu vân tay dữ liệu kế thừa"), max_length=200, blank=True)
    built_at = models.DateTimeField(_("dựng lúc"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)

    class Meta:
        verbose_name = _("trạng thái bảng kế thừa")
        verbose_name_plural = _("trạng thái bảng kế thừa")

    def __str__(self):
        return f"{self.rows} ({self.built_at})"
