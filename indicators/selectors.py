"""Scoped reads of indicator tables, built on ``cchc.access``.

- Anyone with a role sees the tables of the units in their scope.
- Unit officers (and administrators) fill in the tables of their unit and the
  units under it, while a table is a draft.
- Provincial staff who check the figures (inspectors, administrators)
  approve, return and lock the tables of the units in their scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from cchc.access import action_roles, can, scope_q, scope_unit_ids
from cchc.models import Job, Unit

from .catalogue import templates_for_year
from .cells import Cell, cell_text, stored_cell, warning_message
from .choices import EXPORT_JOB
from .models import Indicator, IndicatorImport, IndicatorTable, IndicatorTemplate, IndicatorValue


def tables_visible(user):
    if not user.is_authenticated:
        return IndicatorTable.objects.none()
    return IndicatorTable.objects.filter(scope_q(user, "unit"))


def tables_editable(user):
    """Tables whose cells the user may change (while they are drafts)."""
    if not can(user, "table.edit"):
        return IndicatorTable.objects.none()
    return IndicatorTable.objects.filter(scope_q(user, "unit", action_roles("table.edit"), write=True))


def tables_reviewable(user):
    if not can(user, "table.approve"):
        return IndicatorTable.objects.none()
    return IndicatorTable.objects.filter(scope_q(user, "unit", action_roles("table.approve")))


def units_editable(user):
    """Units whose tables the user fills in, ended ones included (their
    past years are still entered and imported)."""
    if not can(user, "table.edit"):
        return Unit.objects.none()
    return Unit.objects.filter(scope_q(user, "pk", action_roles("table.edit"), write=True))


def units_visible(user):
    return Unit.objects.filter(scope_q(user, "pk"))


def editable_unit_ids(user) -> frozenset[int] | None:
    """``None``: every unit (a superuser)."""
    return scope_unit_ids(user, action_roles("table.edit"), write=True)


def imports_visible(user):
    """A user's own uploads, and those of the units an administrator runs."""
    if not user.is_authenticated:
        return IndicatorImport.objects.none()
    return IndicatorImport.objects.filter(
        Q(created_by=user) | scope_q(user, "unit", action_roles("table.import.view_all"))
    )


def table_list(user, *, year: int | None = None, unit: Unit | None = None, status: str | None = None):
    queryset = tables_visible(user)
    if year:
        queryset = queryset.filter(year=year)
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if status:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("unit")
        .annotate(
            value_count=Count("values", distinct=True),
            open_warning_count=Count("values", filter=Q(values__needs_acknowledgement=True), distinct=True),
        )
        .order_by("-year", "unit__path", "through")
    )


# --- the grid -------------------------------------------------------------------


@dataclass
class GridRow:
    indicator: Indicator
    value: IndicatorValue | None
    cell: Cell
    previous: str
    applies: bool
    depth: int
    error: str = ""
    typed: str | None = None
    conflict: str | None = None

    @property
    def text(self) -> str:
        return self.typed if self.typed is not None else cell_text(self.cell)

    @property
    def warnings(self) -> list[tuple[str, str, bool]]:
        """(key, message, acknowledged) of this cell's warnings."""
        if self.value is None:
            return []
        acknowledged = set(self.value.acknowledged_warnings or [])
        return [
            (key, warning_message(key, self.indicator), key in acknowledged)
            for key in self.value.warnings or []
        ]

    @property
    def needs_acknowledgement(self) -> bool:
        return bool(self.value and self.value.needs_acknowledgement)

    @property
    def note(self) -> str:
        """The cell's "Ghi chú" (from an imported file)."""
        return self.value.note if self.value else ""

    @property
    def version(self) -> int:
        return self.value.version if self.value else 0


@dataclass
class GridSection:
    template: IndicatorTemplate
    rows: list[GridRow] = field(default_factory=list)


def table_detail(user):
    return tables_visible(user).select_related("unit", "created_by", "approved_by")


def table_events(table: IndicatorTable):
    return table.events.select_related("author").order_by("-created_at", "-id")


def previous_table(table: IndicatorTable) -> IndicatorTable | None:
    """The same unit's table a year earlier (the full year when there is one)."""
    return (
        IndicatorTable.objects.filter(unit_id=table.unit_id, year=table.year - 1).order_by("through").first()
    )


def table_grid(table: IndicatorTable, *, previous: IndicatorTable | None = None) -> list[GridSection]:
    """Every appendix valid in the table's year, one row per indicator,
    with its value, and last year's for comparison (a fixed number of
    queries whatever the number of rows)."""
    values = {v.indicator_id: v for v in table.values.all()}
    previous_values = {v.indicator_id: v for v in previous.values.all()} if previous else {}
    sections = []
    for template in templates_for_year(table.year):
        section = GridSection(template=template)
        for indicator in template.indicators.all():
            value = values.get(indicator.pk)
            section.rows.append(
                GridRow(
                    indicator=indicator,
                    value=value,
                    cell=stored_cell(value),
                    previous=cell_text(stored_cell(previous_values.get(indicator.pk))) if previous else "",
                    applies=indicator.reported_by(table.unit.kind),
                    depth=indicator.number.count("."),
                )
            )
        sections.append(section)
    return sections


def grid_row(
    table: IndicatorTable, indicator: Indicator, *, previous: IndicatorTable | None = None
) -> GridRow:
    value = table.values.filter(indicator=indicator).first()
    previous_value = previous.values.filter(indicator=indicator).first() if previous else None
    return GridRow(
        indicator=indicator,
        value=value,
        cell=stored_cell(value),
        previous=cell_text(stored_cell(previous_value)) if previous else "",
        applies=indicator.reported_by(table.unit.kind),
        depth=indicator.number.count("."),
    )


def open_warning_count(table: IndicatorTable) -> int:
    return table.values.filter(needs_acknowledgement=True).count()


def latest_events(table: IndicatorTable, limit: int = 50):
    return list(table_events(table)[:limit])


def tables_for_export(*, units: list[Unit], first: int, last: int) -> list[IndicatorTable]:
    """The tables of ``units`` in the years ``first``..``last``, with their
    values (two queries): what ``exports`` lays out."""
    return list(
        IndicatorTable.objects.filter(unit__in=units, year__gte=first, year__lte=last)
        .select_related("unit")
        .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.all()))
        .order_by("unit__path", "year", "through")
    )


def export_units(user, *, unit: Unit, with_children: bool) -> list[Unit]:
    """``unit`` alone, or ``unit`` and every unit under it that the user
    may see."""
    if not with_children:
        return [unit]
    return list(units_visible(user).filter(path__startswith=unit.path).order_by("path"))


def export_jobs(user):
    """The user's own export jobs, while the unit exported is still in their
    scope: another user's export (even of the same unit) is not theirs to see."""
    if not can(user, "table.export"):
        return Job.objects.none()
    return Job.objects.filter(kind=EXPORT_JOB, created_by=user).filter(
        scope_q(user, "unit", action_roles("table.export"))
    )
