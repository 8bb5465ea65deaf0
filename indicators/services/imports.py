"""Changes to indicator tables: creating a table, entering a cell,
acknowledging a warning, the table's status and comments, imports, and the
province-wide exports made by a background job.

Services take keyword-only arguments, validate before they save and run in a
transaction. Views, tasks and commands all call them. They do not check who
the user is (views and commands do, through the selectors); they enforce the
rules of the tables themselves: only drafts change, a submitted table has no
unacknowledged warning, a return gives its reason.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cchc.jobs import JobError, job_create, job_files_delete, job_files_stored, job_progress
from cchc.models import Job, JobStatus, Unit, User

from .cells import CellError, cell_text, parse_cell, stored_cell, value_warnings, warning_message
from .choices import ImportStatus, TableAction, TableStatus
from .layouts import Problem, read_layout
from .models import Indicator, IndicatorImport, IndicatorTable, IndicatorTableEvent, IndicatorValue
from .periods import Period
from .resources import IndicatorTableResource, build_dataset, change_text
from .xlsx import WorkbookError, open_workbook

logger = logging.getLogger(__name__)

IMPORT_CHECK_JOB = "indicator_import_check"
IMPORT_APPLY_JOB = "indicator_import_apply"
EXPORT_JOB = "indicator_export"
#: Files above this size are checked and imported by a background job.
DEFAULT_INLINE_MAX_BYTES = 200 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: Excel exports of more units than this are made by a background job
#: (setting ``INDICATOR_EXPORT_INLINE_MAX_UNITS``); a single unit's never is.
DEFAULT_EXPORT_INLINE_MAX_UNITS = 20
#: Where background exports keep their workbooks, and for how long by default.
EXPORT_FOLDER = "private/indicators/exports"
DEFAULT_EXPORT_KEEP_DAYS = 7


class StaleCellError(ValidationError):
    """Someone else changed the cell after the user's page showed it."""

    def __init__(self, message, *, current: IndicatorValue | None):
        super().__init__(message)
        self.current = current


# --- tables ---------------------------------------------------------------------


@transaction.atomic
def table_create(
    *, unit: Unit, year: int, through: datetime.date | None = None, user: User | None = None
) -> IndicatorTable:
    report = IndicatorTable(unit=unit, year=year, through=through, created_by=user)
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Created by someone else between the check and the save.
        raise ValidationError(_("Đơn vị đã có bảng số liệu cho kỳ này.")) from None
    return report


def _event(report: IndicatorTable, action: str, user: User | None, text: str = "") -> IndicatorTableEvent:
    event = IndicatorTableEvent(report=report, action=action, author=user, text=(text or "").strip())
    event.full_clean()
    event.save()
    return event


def _locked_report(report: IndicatorTable) -> IndicatorTable:
    return IndicatorTable.objects.select_for_update().select_related("unit").get(pk=report.pk)


def _require_status(report: IndicatorTable, *statuses: str, action: str) -> None:
    if report.status not in statuses:
        raise ValidationError(
            _("Không thể %(action)s: bảng số liệu đang ở trạng thái “%(status)s”.")
            % {"action": action, "status": report.get_status_display()}
        )


@transaction.atomic
def table_submit(*, report: IndicatorTable, user: User | None, comment: str = "") -> IndicatorTable:
    """Send a draft for approval; every warning must be acknowledged first."""
    report = _locked_report(report)
    _require_status(report, TableStatus.DRAFT, action=_("gửi duyệt"))
    open_values = list(
        report.values.filter(needs_acknowledgement=True).select_related(
            "indicator__template", "indicator__parent"
        )
    )
    if open_values:
        items = "; ".join(
            f"{v.indicator.template.short_name} {v.indicator.number}: "
            + " ".join(warning_message(key, v.indicator) for key in v.open_warnings)
            for v in open_values[:10]
        )
        raise ValidationError(
            _("Còn %(n)s ô có cảnh báo chưa xác nhận: %(items)s") % {"n": len(open_values), "items": items}
        )
    if not report.values.exists():
        raise ValidationError(_("Bảng số liệu chưa có số liệu nào."))
    report.status = TableStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.full_clean()
    report.save()
    _event(report, TableAction.SUBMIT, user, comment)
    return report


@transaction.atomic
def table_return(*, report: IndicatorTable, user: User | None, comment: str) -> IndicatorTable:
    """Send a submitted table back to the unit to correct, with the reason."""
    report = _locked_report(report)
    _require_status(report, TableStatus.SUBMITTED, action=_("trả lại"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")})
    report.status = TableStatus.DRAFT
    report.full_clean()
    report.save()
    _event(report, TableAction.RETURN, user, comment)
    return report


@transaction.atomic
def table_approve(*, report: IndicatorTable, user: User | None, comment: str = "") -> IndicatorTable:
    report = _locked_report(report)
    _require_status(report, TableStatus.SUBMITTED, action=_("duyệt"))
    report.status = TableStatus.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = user
    report.full_clean()
    report.save()
    _event(report, TableAction.APPROVE, user, comment)
    return report


@transaction.atomic
def table_lock(*, report: IndicatorTable, user: User | None, comment: str = "") -> IndicatorTable:
    report = _locked_report(report)
    _require_status(report, TableStatus.APPROVED, action=_("khóa"))
    report.status = TableStatus.LOCKED
    report.locked_at = timezone.now()
    report.full_clean()
    report.save()
    _event(report, TableAction.LOCK, user, comment)
    return report


@transaction.atomic
def table_reopen(*, report: IndicatorTable, user: User | None, comment: str) -> IndicatorTable:
    """Open an approved or locked table again for correction (administrators)."""
    report = _locked_report(report)
    _require_status(report, TableStatus.APPROVED, TableStatus.LOCKED, action=_("mở lại"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Hãy ghi lý do mở lại bảng số liệu.")})
    report.status = TableStatus.DRAFT
    report.approved_at = None
    report.approved_by = None
    report.locked_at = None
    report.full_clean()
    report.save()
    _event(report, TableAction.REOPEN, user, comment)
    return report


@transaction.atomic
def table_comment_add(*, report: IndicatorTable, user: User | None, text: str) -> IndicatorTableEvent:
    if not (text or "").strip():
        raise ValidationError({"text": _("Ý kiến không được để trống.")})
    return _event(report, TableAction.COMMENT, user, text)


# --- cells ------------------------------------------------------------------------


def _recheck_children(report: IndicatorTable, indicator: Indicator) -> list[IndicatorValue]:
    """Recompute the warnings of the cells under ``indicator`` (a child is
    compared with its parent) after the parent changed; returns them.
    Warnings are derived, so they change without a history entry."""
    parent = report.values.filter(indicator=indicator).first()
    parent_cell = stored_cell(parent) if parent else None
    children = list(report.values.filter(indicator__parent=indicator).select_related("indicator__parent"))
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
    report: IndicatorTable,
    indicator: Indicator,
    raw: str | None,
    user: User | None,
    version: int | None = None,
) -> CellResult:
    """Enter one cell as typed ("88", "5650/5658", "/", "H:113 X:288", text,
    or blank to clear it). ``version`` is the cell's version the user's page
    showed: if someone saved the cell since, nothing is saved and
    ``StaleCellError`` says so (with the current value)."""
    report = _locked_report(report)
    if report.status != TableStatus.DRAFT:
        raise ValidationError(
            _("Bảng số liệu đang ở trạng thái “%(status)s”: không sửa được.")
            % {"status": report.get_status_display()}
        )
    if not indicator.template.is_valid_in(report.year):
        raise ValidationError(_("Chỉ tiêu này không thuộc danh mục năm %(year)s.") % {"year": report.year})
    try:
        cell = parse_cell(indicator, raw)
        if not cell.blank and not cell.not_applicable and not indicator.reported_by(report.unit.kind):
            raise CellError(
                _("Chỉ tiêu %(number)s không áp dụng với %(kind)s: chỉ ghi “/” hoặc để trống.")
                % {"number": indicator.number, "kind": report.unit.get_kind_display().lower()}
            )
    except CellError as error:
        raise ValidationError(str(error)) from None
    value = IndicatorValue.objects.select_for_update().filter(report=report, indicator=indicator).first()
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
        report.save(update_fields=["updated_at"])
        return CellResult(value=None, related=_recheck_children(report, indicator))
    if value is None:
        value = IndicatorValue(report=report, indicator=indicator, version=0)
    parent = report.values.filter(indicator_id=indicator.parent_id).first() if indicator.parent_id else None
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
    value.full_clean(exclude=["report", "indicator"])
    value.save()
    report.save(update_fields=["updated_at"])
    return CellResult(value=value, related=_recheck_children(report, indicator))


@transaction.atomic
def table_values_save(*, report: IndicatorTable, raws: dict[int, str], user: User | None) -> int:
    """Save a whole column of cells at once (the grid without JavaScript):
    every cell is read first, and if one is wrong nothing is saved. Returns
    the number of cells changed."""
    report = _locked_report(report)
    if report.status != TableStatus.DRAFT:
        raise ValidationError(
            _("Bảng số liệu đang ở trạng thái “%(status)s”: không sửa được.")
            % {"status": report.get_status_display()}
        )
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=raws).select_related("template")}
    current = {v.indicator_id: v for v in report.values.all()}
    errors: dict[str, list[str]] = {}
    parsed = {}
    for indicator_id, raw in raws.items():
        indicator = indicators.get(indicator_id)
        if indicator is None or not indicator.template.is_valid_in(report.year):
            continue
        try:
            cell = parse_cell(indicator, raw)
            if not cell.blank and not cell.not_applicable and not indicator.reported_by(report.unit.kind):
                raise CellError(_("Chỉ tiêu này không áp dụng với đơn vị: chỉ ghi “/” hoặc để trống."))
        except CellError as error:
            errors[f"cell-{indicator_id}"] = [str(error)]
            continue
        if cell != stored_cell(current.get(indicator_id)):
            parsed[indicator_id] = cell
    if errors:
        raise ValidationError(errors)
    for indicator_id in parsed:
        value_set(report=report, indicator=indicators[indicator_id], raw=raws[indicator_id], user=user)
    return len(parsed)


@transaction.atomic
def value_acknowledge(*, value: IndicatorValue, user: User | None) -> IndicatorValue:
    """Confirm that the figures of a flagged cell are as the unit means
    them; the acknowledgement covers these figures only."""
    value = IndicatorValue.objects.select_for_update().select_related("report", "indicator").get(pk=value.pk)
    if value.report.status != TableStatus.DRAFT:
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


# --- imports ------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    """What an import found or did, ready to show and to keep as JSON."""

    problems: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "problems": self.problems,
            "warnings": self.warnings,
            "notes": self.notes,
            "changes": self.changes,
            "totals": self.totals,
            "applied": self.applied,
        }

    def warning_signatures(self) -> set[str]:
        return {w["signature"] for w in self.warnings}


def import_workbook(
    *,
    source,
    default_unit: Unit,
    user: User | None = None,
    editable_unit_ids: frozenset[int] | None = None,
    dry_run: bool = True,
    acknowledge: bool = False,
    keep_warnings: bool = False,
    expected_warnings: set[str] | None = None,
    source_import: IndicatorImport | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    in_transaction: Callable[[], bool] | None = None,
    on_applied: Callable[[ImportOutcome], None] | None = None,
) -> ImportOutcome:
    """Read a workbook and import it: all of it, or nothing.

    With ``dry_run`` nothing is kept; the outcome lists every problem (by
    sheet, row and column), the warnings to acknowledge and the changes.
    Without it, the tables are changed in one transaction only if there is
    no problem and every warning is acknowledged (``acknowledge``); when
    ``expected_warnings`` is given, a warning the preview did not show
    (someone changed the tables since) stops the import too. With
    ``keep_warnings`` (demo data) flagged cells are kept unacknowledged, to be
    acknowledged in the grid before the table is submitted.

    The file is read (with ``progress``) before the transaction opens, so a
    progress bar polling the job's row sees it move; the writes and the
    checks against the tables happen in one transaction, in which
    ``in_transaction`` runs first (returning False stops the import: it was
    done already) and ``on_applied`` last.
    """
    outcome = ImportOutcome()

    def report(done, total, step):
        if progress:
            progress(done, total, step)

    try:
        workbook = open_workbook(source)
    except WorkbookError as error:
        outcome.problems.append(Problem(str(error)).as_dict())
        return outcome
    try:
        parsed = read_layout(
            workbook,
            default_unit=default_unit,
            progress=lambda done, total, step: report(done * 60 // max(total, 1), 100, step),
        )
    finally:
        workbook.close()
    outcome.notes = [p.as_dict() for p in parsed.notes]
    problems = list(parsed.problems)
    if editable_unit_ids is not None:
        for unit_id, unit in parsed.units.items():
            if unit_id not in editable_unit_ids:
                first = min(
                    (loc for (u, _p, _i), loc in parsed.locations.items() if u == unit_id),
                    key=lambda loc: (loc.sheet, loc.row, loc.column),
                )
                problems.append(
                    Problem(
                        _("%(unit)s không thuộc phạm vi bạn được nhập số liệu.") % {"unit": unit},
                        first.sheet,
                        first.row,
                    )
                )
                for key in [key for key in parsed.cells if key[0] == unit_id]:
                    del parsed.cells[key]
    # A file with a problem of structure is not imported; it is still checked
    # cell by cell, so that every problem is reported at once.
    checking_only = dry_run or bool(problems)
    report(60, 100, _("Kiểm tra số liệu"))
    dataset = build_dataset(parsed)
    resource = IndicatorTableResource(
        units=parsed.units,
        user=user,
        editable_unit_ids=editable_unit_ids,
        acknowledge=acknowledge,
        source_import=source_import,
    )
    with transaction.atomic():
        if in_transaction is not None and in_transaction() is False:
            return outcome
        result = resource.import_data(
            dataset, dry_run=checking_only, use_transactions=True, rollback_on_validation_errors=True
        )
        problems.extend(_row_problems(result, dataset, parsed, resource))
        if result.has_errors():
            for error in result.base_errors:
                logger.error("Indicator import failed: %s", error.error, exc_info=error.error)
            for _number, errors in result.row_errors():
                for error in errors:
                    logger.error("Indicator import row failed: %s", error.error, exc_info=error.error)
            problems.append(
                Problem(
                    _(
                        "Lỗi hệ thống khi ghi số liệu; không có gì "
                        "được lưu. Quản trị viên đã được ghi nhận lỗi."
                    )
                )
            )
        outcome.problems = [p.as_dict() for p in problems]
        outcome.warnings = _warnings(resource, parsed)
        outcome.changes = _changes(resource, parsed)
        outcome.totals = resource.outcome.totals.__dict__ | {
            "units": len(parsed.units),
            "tables": len(parsed.cells),
            "cells": parsed.cell_count,
            "sheets": parsed.sheets_read,
        }
        if not dry_run:
            refused = bool(outcome.problems)
            if outcome.warnings and not acknowledge and not keep_warnings:
                refused = True
                outcome.problems.append(
                    Problem(
                        _("Có %(n)s ô có cảnh báo cần xác nhận trước khi nhập.")
                        % {"n": len(outcome.warnings)}
                    ).as_dict()
                )
            elif expected_warnings is not None and not outcome.warning_signatures() <= expected_warnings:
                refused = True
                outcome.problems.append(
                    Problem(
                        _(
                            "Số liệu trong hệ thống đã thay đổi từ khi kiểm tra tệp, nên có cảnh báo mới: "
                            "hãy kiểm tra lại tệp trước khi nhập."
                        )
                    ).as_dict()
                )
            if refused:
                transaction.set_rollback(True)
            else:
                outcome.applied = True
                if on_applied is not None:
                    on_applied(outcome)
    report(100, 100, "")
    return outcome


def _row_problems(result, dataset, parsed, resource) -> list[Problem]:
    """The invalid cells of the resource's rows, where they are in the file."""
    if not result.invalid_rows:
        return []
    by_table: dict[tuple, dict[int, object]] = {}
    for (unit_id, period, indicator_id), location in parsed.locations.items():
        by_table.setdefault((unit_id, period), {})[indicator_id] = location
    problems = []
    headers = dataset.headers
    for invalid in result.invalid_rows:
        row = dict(zip(headers, dataset[invalid.number - 1], strict=False))
        through = datetime.date.fromisoformat(row["through"]) if row["through"] else None
        cell_locations = by_table.get((row["unit"], Period(row["year"], through)), {})
        for key, messages in invalid.error_dict.items():
            if key.startswith("i") and key[1:].isdigit():
                location = cell_locations.get(int(key[1:]))
            else:
                location = min(
                    cell_locations.values(), key=lambda loc: (loc.sheet, loc.row, loc.column), default=None
                )
            for message in messages:
                if location is None:
                    problems.append(Problem(str(message)))
                else:
                    problems.append(
                        Problem(str(message), location.sheet, location.row, location.column, location.header)
                    )
    return sorted(problems, key=lambda p: (p.sheet, p.row or 0, p.column or 0))


def _where(parsed, report, indicator) -> tuple[str, dict]:
    location = parsed.locations.get((report.unit_id, Period(report.year, report.through), indicator.pk))
    if location is None:
        unit = parsed.units.get(report.unit_id, "")
        return _("(ô không có trong tệp) %(unit)s, %(period)s") % {
            "unit": unit,
            "period": report.period_label,
        }, {}
    return str(location), {"sheet": location.sheet, "row": location.row, "column": location.column_letter}


def _warnings(resource, parsed) -> list[dict]:
    items = []
    for warning in resource.outcome.warnings:
        where, position = _where(parsed, warning.report, warning.indicator)
        unit = parsed.units.get(warning.report.unit_id) or warning.report.unit
        items.append(
            {
                "where": where,
                **position,
                "unit": str(unit),
                "period": warning.report.period_label,
                "indicator": f"{warning.indicator.template.short_name} {warning.indicator.number}",
                "messages": [warning_message(key, warning.indicator) for key in warning.keys],
                "signature": f"{warning.report.unit_id}|{warning.report.year}|{warning.report.through}|"
                f"{warning.indicator.pk}|{','.join(warning.keys)}",
            }
        )
    return sorted(items, key=lambda w: (w.get("sheet", ""), w.get("row", 0) or 0, w.get("column", "")))


def _changes(resource, parsed) -> list[dict]:
    items = []
    for change in resource.outcome.changes:
        old, new = change_text(change)
        where, _position = _where(parsed, change.report, change.indicator)
        items.append(
            {
                "where": where,
                "unit": str(parsed.units.get(change.report.unit_id, "")),
                "period": change.report.period_label,
                "indicator": f"{change.indicator.template.short_name} {change.indicator.number}",
                "name": change.indicator.name,
                "old": old,
                "new": new,
            }
        )
    return items


def inline_max_bytes() -> int:
    return getattr(settings, "INDICATOR_IMPORT_INLINE_MAX_BYTES", DEFAULT_INLINE_MAX_BYTES)


@transaction.atomic
def indicator_import_create(*, unit: Unit, data: bytes, name: str, user: User | None) -> IndicatorImport:
    """Keep an uploaded workbook and check it: at once when it is small, by
    a background job otherwise."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}}
        )
    record = IndicatorImport(
        unit=unit,
        original_name=(name or "tep.xlsx")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        created_by=user,
    )
    record.file.save("upload.xlsx", ContentFile(data), save=False)
    record.full_clean()
    record.save()
    if len(data) <= inline_max_bytes():
        indicator_import_check(record=record)
    else:
        record.status = ImportStatus.CHECKING
        record.job = job_create(
            kind=IMPORT_CHECK_JOB, unit=unit, params={"import_id": record.pk}, total=100, user=user
        )
        record.save(update_fields=["status", "job", "updated_at"])
    return record


def _read_file(record: IndicatorImport) -> bytes:
    with record.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != record.sha256:
        raise JobError(_("Tệp đã tải lên bị thay đổi trên máy chủ; hãy tải lên lại."))
    return data


def indicator_import_check(*, record: IndicatorImport, progress=None) -> IndicatorImport:
    """Dry-run the import and keep the preview on the record."""
    outcome = import_workbook(
        source=_read_file(record),
        default_unit=record.unit,
        user=record.created_by,
        editable_unit_ids=_editable_ids(record),
        dry_run=True,
        progress=progress,
    )
    record.preview = outcome.as_dict()
    record.status = ImportStatus.READY if outcome.ok else ImportStatus.REJECTED
    record.save(update_fields=["preview", "status", "updated_at"])
    return record


def _editable_ids(record: IndicatorImport) -> frozenset[int] | None:
    from .selectors import editable_unit_ids

    if record.created_by is None:
        return None
    return editable_unit_ids(record.created_by)


def indicator_import_apply(
    *, record: IndicatorImport, user: User | None, acknowledge: bool, background: bool | None = None
) -> IndicatorImport:
    """Import a checked workbook, all or nothing: at once for a small file,
    by a background job for a large one. Warnings must be acknowledged."""
    if record.status == ImportStatus.IMPORTED:
        return record
    if record.status != ImportStatus.READY:
        raise ValidationError(_("Tệp chưa kiểm tra xong hoặc có lỗi: không nhập được."))
    if record.preview.get("warnings") and not acknowledge:
        raise ValidationError(
            {"acknowledge": _("Hãy xác nhận các cảnh báo (đánh dấu ô xác nhận) trước khi nhập.")}
        )
    if background is None:
        background = record.size > inline_max_bytes()
    if background:
        with transaction.atomic():
            record.status = ImportStatus.APPLYING
            record.job = job_create(
                kind=IMPORT_APPLY_JOB,
                unit=record.unit,
                params={"import_id": record.pk, "acknowledge": acknowledge},
                total=100,
                user=user,
            )
            record.save(update_fields=["status", "job", "updated_at"])
        return record
    return _apply(record, acknowledge=acknowledge)


def _apply(record: IndicatorImport, *, acknowledge: bool, progress=None) -> IndicatorImport:
    expected = {w["signature"] for w in record.preview.get("warnings", [])}
    pk = record.pk

    def not_done_yet() -> bool:
        # Locks the record for the transaction: a second run of the same
        # import waits here, then finds it imported and changes nothing.
        return IndicatorImport.objects.select_for_update().get(pk=pk).status != ImportStatus.IMPORTED

    def mark_imported(outcome: ImportOutcome) -> None:
        IndicatorImport.objects.filter(pk=pk).update(
            status=ImportStatus.IMPORTED,
            imported_at=timezone.now(),
            result=outcome.as_dict(),
            updated_at=timezone.now(),
        )

    outcome = import_workbook(
        source=_read_file(record),
        default_unit=record.unit,
        user=record.created_by,
        editable_unit_ids=_editable_ids(record),
        dry_run=False,
        acknowledge=acknowledge,
        expected_warnings=expected,
        source_import=record,
        progress=progress,
        in_transaction=not_done_yet,
        on_applied=mark_imported,
    )
    if not outcome.applied:
        IndicatorImport.objects.filter(pk=pk).exclude(status=ImportStatus.IMPORTED).update(
            status=ImportStatus.REJECTED, preview=outcome.as_dict(), updated_at=timezone.now()
        )
    record.refresh_from_db()
    return record


# --- jobs ------------------------------------------------------------------------------


def _job_progress(job: Job):
    def progress(done, total, step):
        job_progress(job.pk, done=min(done, total), total=total, step=step)

    return progress


def import_check_work(job: Job) -> dict:
    record = IndicatorImport.objects.select_related("unit", "created_by").get(pk=job.params["import_id"])
    if record.status not in (ImportStatus.CHECKING, ImportStatus.UPLOADED):
        return {"import_id": record.pk, "status": record.status}
    record = indicator_import_check(record=record, progress=_job_progress(job))
    return {
        "import_id": record.pk,
        "status": record.status,
        "problems": len(record.preview.get("problems", [])),
    }


def import_apply_work(job: Job) -> dict:
    record = IndicatorImport.objects.select_related("unit", "created_by").get(pk=job.params["import_id"])
    if record.status == ImportStatus.IMPORTED:
        return {"import_id": record.pk, "status": record.status}
    if record.status != ImportStatus.APPLYING:
        raise JobError(_("Tệp không ở trạng thái chờ nhập."))
    record = _apply(record, acknowledge=bool(job.params.get("acknowledge")), progress=_job_progress(job))
    if record.status != ImportStatus.IMPORTED:
        problems = record.preview.get("problems", [])
        first = problems[0]["message"] if problems else ""
        raise JobError(_("Không nhập được tệp, không có gì được lưu. %(first)s") % {"first": first})
    return {"import_id": record.pk, "status": record.status, **record.result.get("totals", {})}


# --- province-wide exports ----------------------------------------------------------------


def export_inline_max_units() -> int:
    return getattr(settings, "INDICATOR_EXPORT_INLINE_MAX_UNITS", DEFAULT_EXPORT_INLINE_MAX_UNITS)


def export_in_background(units: list[Unit]) -> bool:
    """Whether the Excel export of ``units`` is too large to make during the
    request (a single unit's always is made at once)."""
    return len(units) > 1 and len(units) > export_inline_max_units()


def export_file_name(unit: Unit, first: int, last: int, extension: str = "xlsx") -> str:
    """The name the user's browser saves an export under."""
    return f"chi-tieu-{slugify(unit.code or unit.short_name or unit.pk)}-{first}-{last}.{extension}"


def _export_storage_name() -> str:
    """Where a job's workbook is kept: under MEDIA, with a random name, never
    served directly (only through the download view, which checks scope)."""
    return f"{EXPORT_FOLDER}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


@transaction.atomic
def indicator_export_create(*, unit: Unit, units: list[Unit], first: int, last: int, user: User) -> Job:
    """Queue the Excel export of ``unit`` and the units under it (``units``,
    as the user sees them now: the worker reads them again). The file's
    name is chosen here, so that every run of the job writes the same file."""
    return job_create(
        kind=EXPORT_JOB,
        unit=unit,
        params={
            "unit": unit.pk,
            "first": first,
            "last": last,
            "children": True,
            "file": _export_storage_name(),
        },
        total=len(units) + 1,
        user=user,
    )


def export_job_file(job: Job) -> str | None:
    """The stored workbook of a finished export job, or None."""
    name = (job.result or {}).get("file") or ""
    if job.kind != EXPORT_JOB or job.status != JobStatus.SUCCEEDED or not name:
        return None
    if name != job.params.get("file") or not default_storage.exists(name):
        return None
    return name


def _save_once(name: str, data: bytes) -> None:
    """Write ``data`` as ``name``, replacing what an earlier (failed or
    interrupted) run of the same job left there: one file per job."""
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(data))
    except OSError:
        logger.exception("Could not store the export %s", name)
        raise JobError(
            _("Không lưu được tệp Excel trên máy chủ. Hãy thử chạy lại sau hoặc báo quản trị viên.")
        ) from None
    if saved != name:
        # Another run of the job wrote ``name`` in the meantime; keep that one.
        default_storage.delete(saved)


def export_work(job: Job) -> dict:
    """Make the workbook of an export job: the requester must still see the
    unit; the sheets follow the units they see now; progress is per unit."""
    from . import exports
    from .selectors import export_units, units_visible

    params = job.params
    user = job.created_by
    if user is None or not user.is_active:
        raise JobError(_("Người yêu cầu bản xuất không còn hoạt động."))
    unit = units_visible(user).filter(pk=params.get("unit")).first()
    if unit is None:
        raise JobError(_("Bạn không còn quyền xem số liệu của đơn vị này."))
    first, last = int(params["first"]), int(params["last"])
    units = export_units(user, unit=unit, with_children=bool(params.get("children", True)))
    total = len(units) + 1
    job_progress(job.pk, done=0, total=total, step=_("Đang đọc số liệu"))

    def progress(done: int, step: str) -> None:
        job_progress(job.pk, done=min(done, total), total=total, step=step)

    data = exports.export_workbook(units=units, first=first, last=last, root=unit, progress=progress)
    name = params["file"]
    _save_once(name, data)
    return {
        "file": name,
        "name": export_file_name(unit, first, last),
        "units": len(units),
        "bytes": len(data),
    }


# --- keeping only what is needed ---------------------------------------------------------


def export_keep_days() -> int:
    return int(getattr(settings, "CCHC_EXPORT_KEEP_DAYS", DEFAULT_EXPORT_KEEP_DAYS))


def exports_cleanup(now: datetime.datetime | None = None) -> dict:
    """Run daily: delete the export jobs older than ``CCHC_EXPORT_KEEP_DAYS``
    days and, once that is committed, their workbooks; then the workbooks
    of the export folder that no job names (left by jobs deleted
    otherwise). A job's row is committed before its worker writes the file,
    so a file that no row names is never one being made."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=export_keep_days())
    expired = list(Job.objects.filter(kind=EXPORT_JOB, created_at__lt=cutoff).only("pk", "params"))
    names = [job.params.get("file") for job in expired]
    Job.objects.filter(pk__in=[job.pk for job in expired]).delete()
    job_files_delete(names)

    stored = job_files_stored(EXPORT_FOLDER)
    held = {
        name
        for name in Job.objects.filter(kind=EXPORT_JOB).values_list("params__file", flat=True)
        if isinstance(name, str)
    }
    orphans = [name for name in stored if name not in held and name not in names]
    job_files_delete(orphans)
    return {"expired": len(expired), "orphan_files": len(orphans)}
