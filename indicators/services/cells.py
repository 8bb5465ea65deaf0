"""Entering the cells of an indicator table: one cell as typed, a whole
column at once, and acknowledging a cell's warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.models import User

from ..cells import CellError, cell_text, parse_cell, stored_cell, value_warnings
from ..choices import TableStatus
from ..models import Indicator, IndicatorTable, IndicatorValue
from .tables import locked_table


class StaleCellError(ValidationError):
    """Someone else changed the cell after the user's page showed it."""

    def __init__(self, message, *, current: IndicatorValue | None):
        super().__init__(message)
        self.current = current


def _recheck_children(table: IndicatorTable, indicator: Indicator) -> list[IndicatorValue]:
    """Recompute the warnings of the cells under ``indicator`` (a child is
    compared with its parent) after the parent changed; returns them.
    Warnings are derived, so they change without a history entry."""
    parent = table.values.filter(indicator=indicator).first()
    parent_cell = stored_cell(parent) if parent else None
    children = list(table.values.filter(indicator__parent=indicator).select_related("indicator__parent"))
    for value in children:
        keys = value_warnings(value.indicator, stored_cell(value), parent_cell)
        acknowledged = [key for key in value.acknowledged_warnings or [] if key in keys]
        needs = any(key not in acknowledged for key in keys)
        if (keys, acknowledged, needs) != (
            value.warnings,
            value.acknowledged_warnings,
            value.needs_acknowledgement,
        ):
            value.warnings, value.acknowledged_warnings, value.needs_acknowledgement = (
                keys,
                acknowledged,
                needs,
            )
            IndicatorValue.objects.filter(pk=value.pk).update(
                warnings=keys, acknowledged_warnings=acknowledged, needs_acknowledgement=needs
            )
    return children


@dataclass
class CellResult:
    value: IndicatorValue | None
    related: list[IndicatorValue] = field(default_factory=list)


@transaction.atomic
def value_set(
    *,
    table: IndicatorTable,
    indicator: Indicator,
    raw: str | None,
    user: User | None,
    version: int | None = None,
) -> CellResult:
    """Enter one cell as typed ("88", "5650/5658", "/", "H:113 X:288", text,
    or blank to clear it). ``version`` is the cell's version the user's page
    showed: if someone saved the cell since, nothing is saved and
    ``StaleCellError`` says so (with the current value)."""
    table = locked_table(table)
    if table.status != TableStatus.DRAFT:
        raise ValidationError(
            _("Bảng số liệu đang ở trạng thái “%(status)s”: không sửa được.")
            % {"status": table.get_status_display()}
        )
    if not indicator.template.is_valid_in(table.year):
        raise ValidationError(_("Chỉ tiêu này không thuộc danh mục năm %(year)s.") % {"year": table.year})
    try:
        cell = parse_cell(indicator, raw)
        if not cell.blank and not cell.not_applicable and not indicator.reported_by(table.unit.kind):
            raise CellError(
                _("Chỉ tiêu %(number)s không áp dụng với %(kind)s: chỉ ghi “/” hoặc để trống.")
                % {"number": indicator.number, "kind": table.unit.get_kind_display().lower()}
            )
    except CellError as error:
        raise ValidationError(str(error)) from None
    value = IndicatorValue.objects.select_for_update().filter(table=table, indicator=indicator).first()
    current_version = value.version if value else 0
    if version is not None and version != current_version:
        raise StaleCellError(
            _(
                "Ô này vừa được người khác sửa thành “%(text)s”. "
                "Giá trị bạn gõ vẫn còn trong ô: lưu lại để thay."
            )
            % {"text": cell_text(stored_cell(value)) or _("(trống)")},
            current=value,
        )
    if cell == stored_cell(value):
        return CellResult(value=value)
    if cell.blank:
        if value is not None:
            value.delete()
        table.save(update_fields=["updated_at"])
        return CellResult(value=None, related=_recheck_children(table, indicator))
    if value is None:
        value = IndicatorValue(table=table, indicator=indicator, version=0)
    parent = table.values.filter(indicator_id=indicator.parent_id).first() if indicator.parent_id else None
    keys = value_warnings(indicator, cell, stored_cell(parent) if parent else None)
    value.not_applicable = cell.not_applicable
    value.number = cell.number
    value.denominator = cell.denominator
    value.text = cell.text
    value.levels = dict(cell.levels) if cell.levels else None
    value.warnings = keys
    # An acknowledgement covers the figures it was given for.
    value.acknowledged_warnings = []
    value.needs_acknowledgement = bool(keys)
    value.version += 1
    value.updated_by = user
    value.updated_at = timezone.now()
    value.source_import = None
    value.full_clean(exclude=["table", "indicator"])
    value.save()
    table.save(update_fields=["updated_at"])
    return CellResult(value=value, related=_recheck_children(table, indicator))


@transaction.atomic
def table_values_save(*, table: IndicatorTable, raws: dict[int, str], user: User | None) -> int:
    """Save a whole column of cells at once (the grid without JavaScript):
    every cell is read first, and if one is wrong nothing is saved. Returns
    the number of cells changed."""
    table = locked_table(table)
    if table.status != TableStatus.DRAFT:
        raise ValidationError(
            _("Bảng số liệu đang ở trạng thái “%(status)s”: không sửa được.")
            % {"status": table.get_status_display()}
        )
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=raws).select_related("template")}
    current = {v.indicator_id: v for v in table.values.all()}
    errors: dict[str, list[str]] = {}
    parsed = {}
    for indicator_id, raw in raws.items():
        indicator = indicators.get(indicator_id)
        if indicator is None or not indicator.template.is_valid_in(table.year):
            continue
        try:
            cell = parse_cell(indicator, raw)
            if not cell.blank and not cell.not_applicable and not indicator.reported_by(table.unit.kind):
                raise CellError(_("Chỉ tiêu này không áp dụng với đơn vị: chỉ ghi “/” hoặc để trống."))
        except CellError as error:
            errors[f"cell-{indicator_id}"] = [str(error)]
            continue
        if cell != stored_cell(current.get(indicator_id)):
            parsed[indicator_id] = cell
    if errors:
        raise ValidationError(errors)
    for indicator_id in parsed:
        value_set(table=table, indicator=indicators[indicator_id], raw=raws[indicator_id], user=user)
    return len(parsed)


@transaction.atomic
def value_acknowledge(*, value: IndicatorValue, user: User | None) -> IndicatorValue:
    """Confirm that the figures of a flagged cell are as the unit means
    them; the acknowledgement covers these figures only."""
    value = IndicatorValue.objects.select_for_update().select_related("table", "indicator").get(pk=value.pk)
    if value.table.status != TableStatus.DRAFT:
        raise ValidationError(_("Bảng số liệu không còn là bản nháp: không xác nhận được."))
    if not value.warnings:
        return value
    value.acknowledged_warnings = list(value.warnings)
    value.needs_acknowledgement = False
    value.acknowledged_by = user
    value.acknowledged_at = timezone.now()
    value.save(
        update_fields=["acknowledged_warnings", "needs_acknowledgement", "acknowledged_by", "acknowledged_at"]
    )
    return value
