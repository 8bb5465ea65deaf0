"""The import resource: one row per table (a unit's figures for a period),
keyed on its natural key (unit, year, "tính đến"), one column per indicator.

Every file layout the app accepts is read into this shape first
(``layouts.py``), so django-import-export does the rest the same way for
all of them: it loads the existing tables, classifies each row as a new
table, a changed one, or one that is unchanged (skipped, so that importing
the same file twice changes nothing the second time), collects every
invalid cell of every row, runs a dry run inside a transaction it rolls
back, and imports for real all at once.

A row per table rather than per cell keeps the framework's per-row cost
small (a province is 200 units × 6 periods = 1,200 rows, not 48,000); the
cells are read and compared here, and written in bulk after the rows.
"""

from __future__ import annotations

import datetime
import io
import json
import sqlite3
from dataclasses import dataclass, field
from typing import NamedTuple

import tablib
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from .cells import BLANK, Cell, CellError, cell_text, parse_cell, stored_cell, value_warnings
from .choices import TableAction, TableStatus
from .layouts import ParsedWorkbook
from .models import Indicator, IndicatorTable, IndicatorTableEvent, IndicatorValue, import_event_text

UNIT, YEAR, THROUGH = "unit", "year", "through"
#: How many single changes a preview lists in full (the counts cover all).
PREVIEW_CHANGES = 300
#: No warning keys: shared by the cells that have none (never changed).
_NO_KEYS: list[str] = []


def column_key(indicator_id: int) -> str:
    return f"i{indicator_id}"


def build_dataset(parsed: ParsedWorkbook) -> tablib.Dataset:
    """The tables ``parsed`` found, one row per (unit, period)."""
    indicator_ids = sorted(parsed.indicators)
    dataset = tablib.Dataset(headers=[UNIT, YEAR, THROUGH, *[column_key(pk) for pk in indicator_ids]])
    for (unit_id, period), cells in sorted(
        parsed.cells.items(), key=lambda item: (item[0][0], item[0][1].sort_key)
    ):
        row = [unit_id, period.year, period.through.isoformat() if period.through else ""]
        row.extend(cells.get(pk) for pk in indicator_ids)
        dataset.append(row)
    return dataset


class StoredValue(NamedTuple):
    """A cell already in the database, read as a plain row: a province's
    tables hold tens of thousands, and most are compared, not changed."""

    pk: int
    table_id: int
    indicator_id: int
    not_applicable: bool
    number: int | None
    denominator: int | None
    text: str
    levels: dict | None
    note: str
    warnings: list
    acknowledged_warnings: list
    needs_acknowledgement: bool
    version: int
    acknowledged_by_id: int | None
    acknowledged_at: datetime.datetime | None

    def instance(self) -> IndicatorValue:
        """The model instance to update, with the stored fields."""
        return IndicatorValue(
            id=self.pk,
            table_id=self.table_id,
            indicator_id=self.indicator_id,
            not_applicable=self.not_applicable,
            number=self.number,
            denominator=self.denominator,
            text=self.text,
            levels=self.levels,
            note=self.note,
            warnings=self.warnings,
            acknowledged_warnings=self.acknowledged_warnings,
            needs_acknowledgement=self.needs_acknowledgement,
            version=self.version,
            acknowledged_by_id=self.acknowledged_by_id,
            acknowledged_at=self.acknowledged_at,
        )


class _TableLoader(BaseInstanceLoader):
    """The tables a dataset names, and their values, in two queries."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        keys = set()
        for unit_id, year, through in zip(dataset[UNIT], dataset[YEAR], dataset[THROUGH], strict=True):
            keys.add((unit_id, year, datetime.date.fromisoformat(through) if through else None))
        condition = Q(pk__in=[])
        for unit_id in {key[0] for key in keys}:
            years = {key[1] for key in keys if key[0] == unit_id}
            condition |= Q(unit_id=unit_id, year__in=years)
        tables = IndicatorTable.objects.filter(condition) if keys else IndicatorTable.objects.none()
        self.tables = {(r.unit_id, r.year, r.through): r for r in tables}
        values: dict[int, dict[int, StoredValue]] = {}
        if self.tables:
            rows = IndicatorValue.objects.filter(table__in=[r.pk for r in self.tables.values()]).values_list(
                *StoredValue._fields
            )
            for row in rows:
                value = StoredValue(*row)
                values.setdefault(value.table_id, {})[value.indicator_id] = value
        resource.existing_values = values

    def get_instance(self, row):
        through = row[THROUGH]
        return self.tables.get(
            (row[UNIT], row[YEAR], datetime.date.fromisoformat(through) if through else None)
        )


@dataclass
class CellChange:
    table: IndicatorTable
    indicator: Indicator
    old: Cell
    new: Cell


@dataclass
class ImportTotals:
    tables_new: int = 0
    tables_changed: int = 0
    tables_unchanged: int = 0
    cells_new: int = 0
    cells_changed: int = 0
    cells_cleared: int = 0
    cells_unchanged: int = 0


@dataclass
class OpenWarning:
    table: IndicatorTable
    indicator: Indicator
    keys: list[str]


@dataclass
class ResourceOutcome:
    changes: list[CellChange] = field(default_factory=list)
    warnings: list[OpenWarning] = field(default_factory=list)
    totals: ImportTotals = field(default_factory=ImportTotals)


class IndicatorTableResource(resources.ModelResource):
    """Tables keyed on (unit, year, tính đến); cells in columns ``i<id>``."""

    unit = fields.Field(attribute="unit_id", column_name=UNIT, widget=widgets.IntegerWidget())
    year = fields.Field(attribute="year", column_name=YEAR, widget=widgets.IntegerWidget())
    through = fields.Field(attribute="through", column_name=THROUGH, widget=widgets.DateWidget("%Y-%m-%d"))

    class Meta:
        model = IndicatorTable
        fields = (UNIT, YEAR, THROUGH)
        import_id_fields = (UNIT, YEAR, THROUGH)
        instance_loader_class = _TableLoader
        use_bulk = True
        batch_size = None
        # Changes are compared cell by cell below; the framework's own diff
        # (a deep copy and an HTML rendering per row) is not needed.
        skip_diff = True
        clean_model_instances = False
        use_transactions = True

    def __init__(
        self,
        *,
        units: dict,
        user=None,
        editable_unit_ids: frozenset[int] | None = None,
        acknowledge: bool = False,
        source_import=None,
        remarks: dict | None = None,
    ):
        super().__init__()
        self.units = units
        self.user = user
        self.editable_unit_ids = editable_unit_ids
        self.acknowledge = acknowledge
        self.source_import = source_import
        # The "Ghi chú" of the file's cells: {(unit id, year, through): {indicator id: note}}.
        self.notes_by_table: dict[tuple, dict[int, str]] = {}
        for (unit_id, period, indicator_id), note in (remarks or {}).items():
            self.notes_by_table.setdefault((unit_id, period.year, period.through), {})[indicator_id] = note
        self.indicators = {i.pk: i for i in Indicator.objects.select_related("template", "parent")}
        self.existing_values: dict[int, dict[int, StoredValue]] = {}
        self.touched: list[IndicatorTable] = []
        self.outcome = ResourceOutcome()
        self._columns: list[tuple[str, Indicator]] = []
        self._unreported_by: dict[str, frozenset[int]] = {}

    # --- rows -------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self._columns = [
            (key, self.indicators[int(key[1:])]) for key in dataset.headers if key.startswith("i")
        ]
        self._rows_total = len(dataset)

    def init_instance(self, row=None):
        return IndicatorTable(status=TableStatus.DRAFT, created_by=self.user)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        unit = self.units[instance.unit_id]
        instance.unit = unit  # known already: no query for its name
        errors: dict[str, ValidationError] = {}
        if self.editable_unit_ids is not None and unit.pk not in self.editable_unit_ids:
            raise ValidationError(
                {UNIT: _("%(unit)s không thuộc phạm vi bạn được nhập số liệu.") % {"unit": unit}}
            )
        existing = self.existing_values.get(instance.pk, {}) if instance.pk else {}
        changes: dict[int, Cell] = {}
        unchanged = 0
        unreported = self._unreported(unit.kind)
        for key, indicator in self._columns:
            raw = row[key]
            if raw is None:
                continue  # not in the file for this table
            try:
                cell = parse_cell(indicator, raw)
                if indicator.id in unreported and not cell.blank and not cell.not_applicable:
                    raise CellError(
                        _("Chỉ tiêu %(number)s không áp dụng với %(kind)s: chỉ ghi “/” hoặc để trống.")
                        % {"number": indicator.number, "kind": unit.get_kind_display().lower()}
                    )
            except CellError as error:
                errors[key] = ValidationError(str(error))
                continue
            if existing:
                changed = cell != stored_cell(existing.get(indicator.id))
            else:
                changed = not cell.blank
            if changed:
                changes[indicator.id] = cell
            else:
                unchanged += 1
        self.outcome.totals.cells_unchanged += unchanged
        notes: dict[int, str] = {}
        file_notes = self.notes_by_table.get((unit.pk, instance.year, instance.through))
        if file_notes:
            # A cell's "Ghi chú" is kept with its figure: set where the file
            # gives one and the cell holds something after the import (an
            # empty one leaves the stored note as it is).
            for pk, note in file_notes.items():
                stored = existing.get(pk)
                cell = changes.get(pk)
                kept = (not cell.blank) if cell is not None else stored is not None
                if kept and (stored is None or stored.note != note):
                    notes[pk] = note
        instance._notes = notes
        if (changes or notes) and instance.pk and instance.status != TableStatus.DRAFT:
            errors[THROUGH] = ValidationError(
                _("Bảng số liệu %(period)s của %(unit)s đang ở trạng thái “%(status)s”: không sửa được.")
                % {"period": instance.period_label, "unit": unit, "status": instance.get_status_display()}
            )
        instance._cells = changes
        if errors:
            raise ValidationError(errors)

    def _unreported(self, kind: str) -> frozenset[int]:
        """The indicators of the file's columns that units of ``kind`` do
        not report."""
        found = self._unreported_by.get(kind)
        if found is None:
            found = self._unreported_by[kind] = frozenset(
                indicator.id for _key, indicator in self._columns if not indicator.reported_by(kind)
            )
        return found

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return (
            not import_validation_errors
            and not getattr(instance, "_cells", None)
            and not getattr(instance, "_notes", None)
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        self.touched.append(instance)
        if is_create:
            self.outcome.totals.tables_new += 1
        else:
            self.outcome.totals.tables_changed += 1
        super().save_instance(instance, is_create, row, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        if row_result.import_type == row_result.IMPORT_TYPE_SKIP:
            self.outcome.totals.tables_unchanged += 1

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                IndicatorTable.objects.bulk_create(self.create_instances, batch_size=500)
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # A table's own fields do not change on import (its cells do).
        self.update_instances.clear()

    # --- cells ---------------------------------------------------------------------

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if result.has_errors():
            return
        self._write_cells(dry_run=kwargs.get("dry_run", False))

    def _new_cells(self, table: IndicatorTable, creates: list[tuple]) -> None:
        """The cells of a table that had none: all new (the common case of a
        first import, kept short)."""
        cells = table._cells
        indicators = self.indicators
        room = PREVIEW_CHANGES - len(self.outcome.changes)
        if room > 0:
            self.outcome.changes.extend(
                CellChange(table, indicators[pk], BLANK, cell) for pk, cell in list(cells.items())[:room]
            )
        self.outcome.totals.cells_new += len(cells)
        checked = self._checked
        table_id = table.id
        append = creates.append
        notes = table._notes
        for pk, cell in cells.items():
            note = notes.get(pk, "") if notes else ""
            indicator = checked.get(pk)
            if indicator is None:
                append((table_id, pk, cell, _NO_KEYS, _NO_KEYS, False, note))
                continue
            keys = value_warnings(indicator, cell, cells.get(indicator.parent_id))
            if keys:
                self.outcome.warnings.append(OpenWarning(table, indicator, keys))
                acknowledged = list(keys) if self.acknowledge else []
                append((table_id, pk, cell, keys, acknowledged, not self.acknowledge, note))
            else:
                append((table_id, pk, cell, _NO_KEYS, _NO_KEYS, False, note))

    def _write_cells(self, *, dry_run: bool) -> None:
        # The indicators whose cells are checked against a rule.
        self._checked = {
            pk: indicator
            for pk, indicator in self.indicators.items()
            if indicator.numerator_within_denominator or indicator.within_parent
        }
        now = timezone.now()
        totals = self.outcome.totals
        creates: list[tuple] = []
        updates: list[IndicatorValue] = []
        deletes: list[int] = []
        warned_updates: list[IndicatorValue] = []
        for table in self.touched:
            if table.pk is None:
                continue
            existing = self.existing_values.get(table.pk, {})
            if not existing:
                self._new_cells(table, creates)
                continue
            final: dict[int, Cell] = {pk: stored_cell(value) for pk, value in existing.items()}
            notes = table._notes
            for pk, cell in table._cells.items():
                old = final.get(pk, BLANK)
                if len(self.outcome.changes) < PREVIEW_CHANGES:
                    self.outcome.changes.append(CellChange(table, self.indicators[pk], old, cell))
                if cell.blank:
                    totals.cells_cleared += 1
                    final.pop(pk, None)
                elif old.blank:
                    totals.cells_new += 1
                    final[pk] = cell
                else:
                    totals.cells_changed += 1
                    final[pk] = cell
            for pk, cell in final.items():
                indicator = self.indicators[pk]
                parent_cell = final.get(indicator.parent_id) if indicator.parent_id else None
                keys = value_warnings(indicator, cell, parent_cell)
                value = existing.get(pk)
                changed = pk in table._cells
                if value is None:
                    # A new cell: written as a plain row below, no model
                    # instance needed.
                    acknowledged = list(keys) if self.acknowledge else []
                    creates.append(
                        (
                            table.pk,
                            pk,
                            cell,
                            keys,
                            acknowledged,
                            any(key not in acknowledged for key in keys),
                            notes.get(pk, ""),
                        )
                    )
                    if keys:
                        self.outcome.warnings.append(OpenWarning(table, indicator, keys))
                    continue
                # An acknowledgement covers the figures it was given for: the
                # keys carry them, so changed figures need a new one.
                carried = [key for key in value.acknowledged_warnings or [] if key in keys]
                pending = [key for key in keys if key not in carried]
                if pending:
                    self.outcome.warnings.append(OpenWarning(table, indicator, pending))
                acknowledged = list(keys) if self.acknowledge else carried
                note = notes.get(pk)
                if (
                    not changed
                    and note is None
                    and keys == (value.warnings or [])
                    and acknowledged == (value.acknowledged_warnings or [])
                ):
                    continue
                value = value.instance()
                if note is not None:
                    value.note = note
                if changed:
                    _apply_cell(value, cell)
                    value.version += 1
                    value.updated_by = self.user
                    value.updated_at = now
                    value.source_import = self.source_import
                if acknowledged != carried:
                    value.acknowledged_by = self.user
                    value.acknowledged_at = now
                value.warnings = keys
                value.acknowledged_warnings = acknowledged
                value.needs_acknowledgement = any(key not in acknowledged for key in keys)
                if changed:
                    updates.append(value)
                else:
                    warned_updates.append(value)
            for pk, cell in table._cells.items():
                if cell.blank and pk in existing:
                    deletes.append(existing[pk].pk)
        if deletes:
            IndicatorValue.objects.filter(pk__in=deletes).delete()
        if creates:
            insert_values(creates, user=self.user, now=now, source_import=self.source_import)
        if updates:
            IndicatorValue.objects.bulk_update(updates, _VALUE_FIELDS, batch_size=500)
        if warned_updates:
            IndicatorValue.objects.bulk_update(warned_updates, _WARNING_FIELDS, batch_size=500)
        touched_ids = [table.pk for table in self.touched if table.pk]
        if touched_ids and not dry_run:
            IndicatorTable.objects.filter(pk__in=touched_ids).update(updated_at=now)
            texts: dict[int, str] = {}
            IndicatorTableEvent.objects.bulk_create(
                [self._import_event(table, now, texts) for table in self.touched if table.pk]
            )

    def _import_event(self, table: IndicatorTable, now, texts: dict[int, str]) -> IndicatorTableEvent:
        """The history entry of an import: its file and count as data (shown
        in the reader's language) and, as the record, in Vietnamese (made
        once per count of cells: ``texts``)."""
        name = self.source_import.original_name if self.source_import else ""
        cells = len(table._cells)
        text = texts.get(cells)
        if text is None:
            with translation.override("vi"):
                text = texts[cells] = import_event_text(name, cells)
        return IndicatorTableEvent(
            table=table,
            action=TableAction.IMPORT,
            author=self.user,
            created_at=now,
            text=text,
            data={"file": name, "cells": cells},
        )


_VALUE_FIELDS = [
    "not_applicable",
    "number",
    "denominator",
    "text",
    "levels",
    "note",
    "warnings",
    "acknowledged_warnings",
    "needs_acknowledgement",
    "acknowledged_by",
    "acknowledged_at",
    "version",
    "updated_by",
    "updated_at",
    "source_import",
]
# A cell whose figure is the same may have a new note.
_WARNING_FIELDS = [
    "note",
    "warnings",
    "acknowledged_warnings",
    "needs_acknowledgement",
    "acknowledged_by",
    "acknowledged_at",
]


def _apply_cell(value: IndicatorValue, cell: Cell) -> None:
    value.not_applicable = cell.not_applicable
    value.number = cell.number
    value.denominator = cell.denominator
    value.text = cell.text
    value.levels = dict(cell.levels) if cell.levels else None


def change_text(change: CellChange) -> tuple[str, str]:
    return cell_text(change.old), cell_text(change.new)


def insert_values(rows: list[tuple], *, user, now, source_import) -> None:
    """Insert new cells as plain rows: (table id, indicator id, cell,
    warnings, acknowledged warnings, needs acknowledgement, note).

    Django's ``bulk_create`` prepares every field of every instance through
    the model layer, which for a province's workbook (48,000 cells × 16
    columns) costs several times what reading the file does. The rows here
    are already checked (``parse_cell`` and the model's rules), so they are
    written the way each database takes many rows fastest: PostgreSQL's
    COPY, SQLite's prepared statement run per row in C, a multi-row INSERT
    elsewhere. The table's constraints still apply to every row. Values that
    repeat (the time, the user, empty lists) are encoded once.
    """
    user_id = user.pk if user is not None else None
    import_id = source_import.pk if source_import is not None else None
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if connection.vendor == "postgresql" and hasattr(raw, "copy_expert"):
            _copy(raw, rows, user_id=user_id, now=now, import_id=import_id)
        else:
            _insert(cursor, rows, user_id=user_id, now=now, import_id=import_id)


_VALUE_COLUMNS = [
    "table_id",
    "indicator_id",
    "not_applicable",
    "number",
    "denominator",
    "text",
    "levels",
    "note",
    "warnings",
    "acknowledged_warnings",
    "needs_acknowledgement",
    "acknowledged_by_id",
    "acknowledged_at",
    "version",
    "updated_by_id",
    "updated_at",
    "source_import_id",
]


def _copy_field(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy(raw_cursor, rows: list[tuple], *, user_id, now, import_id) -> None:
    """PostgreSQL: COPY FROM STDIN in text format, one round trip."""
    null = "\\N"
    cache: dict[str, str] = {}

    def json_text(value) -> str:
        if not value:
            return "[]" if value is not None else null
        key = repr(value)
        if key not in cache:
            cache[key] = _copy_field(json.dumps(value, ensure_ascii=False))
        return cache[key]

    moment = now.isoformat()
    user = null if user_id is None else str(user_id)
    source = null if import_id is None else str(import_id)
    tail = f"1\t{user}\t{moment}\t{source}\n"
    unacknowledged = f"{null}\t{null}\t{tail}"
    acknowledged_tail = f"{user}\t{moment}\t{tail}"
    lines = [
        f"{table_id}\t{indicator_id}\t{'t' if not_applicable else 'f'}\t"
        f"{null if number is None else number}\t"
        f"{null if denominator is None else denominator}\t"
        f"{_copy_field(text) if text else ''}\t{json_text(levels) if levels else null}\t"
        f"{_copy_field(note) if note else ''}\t"
        f"{json_text(keys) if keys else '[]'}\t{json_text(acknowledged) if acknowledged else '[]'}\t"
        f"{'t' if needs else 'f'}\t{acknowledged_tail if acknowledged else unacknowledged}"
        for table_id, indicator_id, (
            _blank,
            not_applicable,
            number,
            denominator,
            text,
            levels,
        ), keys, acknowledged, needs, note in rows
    ]
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _VALUE_COLUMNS)
    raw_cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO("".join(lines)))


def _insert(cursor, rows: list[tuple], *, user_id, now, import_id) -> None:
    """Other databases: values adapted by the backend as Django adapts them."""
    ops = connection.ops
    adapted: dict[str, object] = {}

    def json_value(value):
        if value is None:
            return None
        key = repr(value)
        if key not in adapted:
            adapted[key] = ops.adapt_json_value(value, None)
        return adapted[key]

    moment = ops.adapt_datetimefield_value(now)
    empty = json_value([])
    params = [
        (
            table_id,
            indicator_id,
            not_applicable,
            number,
            denominator,
            text,
            json_value(levels) if levels else None,
            note,
            json_value(keys) if keys else empty,
            json_value(acknowledged) if acknowledged else empty,
            needs,
            user_id if acknowledged else None,
            moment if acknowledged else None,
            1,
            user_id,
            moment,
            import_id,
        )
        for table_id, indicator_id, (
            _blank,
            not_applicable,
            number,
            denominator,
            text,
            levels,
        ), keys, acknowledged, needs, note in rows
    ]
    table = ops.quote_name(IndicatorValue._meta.db_table)
    placeholder = "(" + ", ".join(["%s"] * len(_VALUE_COLUMNS)) + ")"
    insert = f"INSERT INTO {table} ({', '.join(ops.quote_name(c) for c in _VALUE_COLUMNS)}) VALUES "  # noqa: S608
    if connection.vendor == "sqlite":
        _insert_sqlite(cursor.cursor, insert, params)
        return
    per_statement = max(1, min(2000, (connection.features.max_query_params or 32000) // len(_VALUE_COLUMNS)))
    for start in range(0, len(params), per_statement):
        chunk = params[start : start + per_statement]
        cursor.execute(insert + ", ".join([placeholder] * len(chunk)), [p for row in chunk for p in row])


def _insert_sqlite(raw_cursor, insert: str, params: list[tuple]) -> None:
    """SQLite: statements of a few hundred rows each rather than one run per
    row, so that SQLite updates the table's AUTOINCREMENT counter and starts
    a statement once per few hundred rows; run by the driver itself with its
    own placeholders (Django's cursor would rewrite each of a statement's
    thousands of "%s" first). The limit on parameters is the library's, not
    Django's conservative 999. A quarter less time for a province's 48,000
    cells."""
    getlimit = getattr(raw_cursor.connection, "getlimit", None)
    limit = getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit is not None else 999
    width = len(_VALUE_COLUMNS)
    per_statement = max(1, min(500, limit // width))
    placeholder = "(" + ", ".join(["?"] * width) + ")"
    statements: dict[int, str] = {}
    for start in range(0, len(params), per_statement):
        chunk = params[start : start + per_statement]
        statement = statements.get(len(chunk))
        if statement is None:
            statement = statements[len(chunk)] = insert.replace("%%", "%") + ", ".join(
                [placeholder] * len(chunk)
            )
        sqlite3.Cursor.execute(raw_cursor, statement, [p for row in chunk for p in row])
