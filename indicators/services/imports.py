"""Importing workbooks into indicator tables: all of a file or nothing,
checked first (a dry run kept on the upload's record), at once for a small
file and by a background job for a large one."""

from __future__ import annotations

import datetime
import functools
import gc
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc import uploads
from cchc.jobs import JobError, job_create, job_files_delete, job_progress
from cchc.models import Job, Unit, User
from cchc.text import whole_number

from ..cells import warning_message
from ..choices import IMPORT_APPLY_JOB, IMPORT_CHECK_JOB, ImportStatus
from ..layouts import Problem, read_layout
from ..models import Indicator, IndicatorAlias, IndicatorImport
from ..periods import Period
from ..resources import IndicatorTableResource, build_dataset, change_text
from ..selectors import editable_unit_ids
from ..xlsx import WorkbookError, open_workbook

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class ImportOutcome:
    """What an import found or did, ready to show and to keep as JSON."""

    problems: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    matches: list[dict] = field(default_factory=list)
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
            "matches": self.matches,
            "totals": self.totals,
            "applied": self.applied,
        }

    def warning_signatures(self) -> set[str]:
        return {w["signature"] for w in self.warnings}


def _cycle_collection_paused(function):
    """Run ``function`` with Python's cycle collector paused.

    An import makes a few hundred thousand small objects (a dict per row
    read, a location and a parsed value per cell) and keeps most of them to
    the end, so the collector, triggered by the count of new objects, walks
    the whole process (Django, the catalogue, the rows so far) again and
    again while finding nothing to free: a province's workbook spent about
    40% of its import there. Reference counting still frees everything as
    usual; cycles made meanwhile are collected once the collector is back.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper


# Rows a unit's sheet holds beyond two per indicator: titles, headers
# repeated where a printed page ended, notes, the signature block.
ROWS_AROUND_A_TABLE = 100


def import_row_bound(*, unit: Unit, editable_ids: frozenset[int] | None) -> int:
    """The most rows a workbook of ``unit``'s imports could need: a sheet
    per unit the user fills (or one long sheet with a row per unit and
    indicator), each with every indicator of the catalogue twice over and
    the rows around a table; never above ``CCHC_INDICATOR_IMPORT_MAX_ROWS``.
    A larger workbook is refused before its cells are read."""
    indicators = Indicator.objects.count()
    if editable_ids is None:
        units = Unit.objects.filter(path__startswith=unit.path).count()
    else:
        units = len(editable_ids)
    bound = max(units, 1) * (2 * indicators + ROWS_AROUND_A_TABLE)
    return min(settings.CCHC_INDICATOR_IMPORT_MAX_ROWS, bound)


def bounded_preview(preview: dict) -> dict:
    """``preview`` with each list cut to ``CCHC_INDICATOR_IMPORT_PREVIEW_ITEMS``
    and, under ``omitted``, how many of each were left out; the warnings'
    signatures are all kept (the import compares them when it is applied)."""
    cap = settings.CCHC_INDICATOR_IMPORT_PREVIEW_ITEMS
    kept = dict(preview)
    omitted = {}
    kept["warning_signatures"] = [w["signature"] for w in preview.get("warnings", [])]
    for key in ("problems", "warnings", "notes", "changes", "matches"):
        items = preview.get(key) or []
        if len(items) > cap:
            kept[key] = items[:cap]
            omitted[key] = len(items) - cap
    kept["omitted"] = omitted
    return kept


def preview_signatures(preview: dict) -> set[str]:
    if "warning_signatures" in preview:
        return set(preview["warning_signatures"])
    return {w["signature"] for w in preview.get("warnings", [])}


@_cycle_collection_paused
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
    max_rows: int | None = None,
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
        workbook = open_workbook(source, max_rows=max_rows)
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
    outcome.matches = [match.as_dict() for match in parsed.matches]
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
        remarks=parsed.remarks,
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
        outcome.warnings = _name_warnings(parsed) + _warnings(resource, parsed)
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
                if acknowledge:
                    _remember_names(parsed, user)
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
            if key.startswith("i") and whole_number(key[1:]) is not None:
                location = cell_locations.get(whole_number(key[1:]))
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


def _name_warnings(parsed) -> list[dict]:
    """Rows taken by a name close to exactly one indicator, without an STT
    to confirm it: a warning each, to acknowledge before the import."""
    items = []
    for match in parsed.matches:
        if not match.needs_acknowledgement:
            continue
        indicator = match.indicator
        items.append(
            {
                "where": match.as_dict()["where"],
                "sheet": match.location.sheet,
                "row": match.location.row,
                "column": match.location.column_letter,
                "unit": "",
                "period": "",
                "indicator": f"{indicator.template.short_name} {indicator.number}",
                "messages": [
                    _(
                        "Dòng không ghi STT, tên “%(typed)s” gần giống (%(score)s%%) chỉ tiêu %(number)s "
                        "“%(name)s”: nhận là chỉ tiêu này? Khi nhập, tên này được ghi nhớ cho lần sau."
                    )
                    % {
                        "typed": match.typed,
                        "score": match.score,
                        "number": indicator.number,
                        "name": indicator.name,
                    }
                ],
                "signature": match.signature,
            }
        )
    return items


def _remember_names(parsed, user) -> None:
    """Keep the acknowledged names as aliases of their indicators, for the
    version of the appendix they were matched in."""
    for match in parsed.matches:
        if not match.needs_acknowledgement or not match.folded:
            continue
        indicator = match.indicator
        if IndicatorAlias.objects.filter(template_id=indicator.template_id, folded=match.folded).exists():
            continue
        alias = IndicatorAlias(
            template_id=indicator.template_id,
            indicator=indicator,
            name=match.typed[:500],
            created_by=user,
        )
        alias.full_clean(exclude=["folded"])
        alias.save()


def _where(parsed, table, indicator) -> tuple[str, dict]:
    location = parsed.locations.get((table.unit_id, Period(table.year, table.through), indicator.pk))
    if location is None:
        unit = parsed.units.get(table.unit_id, "")
        return _("(ô không có trong tệp) %(unit)s, %(period)s") % {
            "unit": unit,
            "period": table.period_label,
        }, {}
    return str(location), {"sheet": location.sheet, "row": location.row, "column": location.column_letter}


def _warnings(resource, parsed) -> list[dict]:
    items = []
    for warning in resource.outcome.warnings:
        where, position = _where(parsed, warning.table, warning.indicator)
        unit = parsed.units.get(warning.table.unit_id) or warning.table.unit
        items.append(
            {
                "where": where,
                **position,
                "unit": str(unit),
                "period": warning.table.period_label,
                "indicator": f"{warning.indicator.template.short_name} {warning.indicator.number}",
                "messages": [warning_message(key, warning.indicator) for key in warning.keys],
                "signature": f"{warning.table.unit_id}|{warning.table.year}|{warning.table.through}|"
                f"{warning.indicator.pk}|{','.join(warning.keys)}",
            }
        )
    return sorted(items, key=lambda w: (w.get("sheet", ""), w.get("row", 0) or 0, w.get("column", "")))


def _changes(resource, parsed) -> list[dict]:
    items = []
    for change in resource.outcome.changes:
        old, new = change_text(change)
        where, _position = _where(parsed, change.table, change.indicator)
        items.append(
            {
                "where": where,
                "unit": str(parsed.units.get(change.table.unit_id, "")),
                "period": change.table.period_label,
                "indicator": f"{change.indicator.template.short_name} {change.indicator.number}",
                "name": change.indicator.name,
                "old": old,
                "new": new,
            }
        )
    return items


@transaction.atomic
def indicator_import_create(*, unit: Unit, data: bytes, name: str, user: User | None) -> IndicatorImport:
    """Keep an uploaded workbook and check it: at once when it is small, by
    a background job otherwise."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}}
        )
    # The name takes the extension of the format read from the content (the
    # upload gate's); a file that is no workbook keeps its name, and the
    # check says what is wrong with it.
    try:
        content_type = uploads.detect(data)
    except uploads.UploadRefused:
        content_type = None
    workbook = content_type in uploads.WORKBOOK_TYPES
    record = IndicatorImport(
        unit=unit,
        original_name=uploads.stored_name(name, content_type) if workbook else (name or "tep.xlsx")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        created_by=user,
    )
    extension = uploads.SUFFIXES[content_type] if workbook else "xlsx"
    record.file.save(f"upload.{extension}", ContentFile(data), save=False)
    record.full_clean()
    record.save()
    if len(data) <= settings.CCHC_INDICATOR_IMPORT_INLINE_MAX_BYTES:
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
    editable_ids = _editable_ids(record)
    outcome = import_workbook(
        source=_read_file(record),
        default_unit=record.unit,
        user=record.created_by,
        editable_unit_ids=editable_ids,
        dry_run=True,
        progress=progress,
        max_rows=import_row_bound(unit=record.unit, editable_ids=editable_ids),
    )
    record.preview = bounded_preview(outcome.as_dict())
    record.status = ImportStatus.READY if outcome.ok else ImportStatus.REJECTED
    record.save(update_fields=["preview", "status", "updated_at"])
    return record


def _editable_ids(record: IndicatorImport) -> frozenset[int] | None:
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
        background = record.size > settings.CCHC_INDICATOR_IMPORT_INLINE_MAX_BYTES
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
    expected = preview_signatures(record.preview)
    pk = record.pk

    def not_done_yet() -> bool:
        # Locks the record for the transaction: a second run of the same
        # import waits here, then finds it imported and changes nothing.
        return IndicatorImport.objects.select_for_update().get(pk=pk).status != ImportStatus.IMPORTED

    def mark_imported(outcome: ImportOutcome) -> None:
        IndicatorImport.objects.filter(pk=pk).update(
            status=ImportStatus.IMPORTED,
            imported_at=timezone.now(),
            result=bounded_preview(outcome.as_dict()),
            updated_at=timezone.now(),
        )

    editable_ids = _editable_ids(record)
    outcome = import_workbook(
        source=_read_file(record),
        default_unit=record.unit,
        user=record.created_by,
        editable_unit_ids=editable_ids,
        max_rows=import_row_bound(unit=record.unit, editable_ids=editable_ids),
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
            status=ImportStatus.REJECTED,
            preview=bounded_preview(outcome.as_dict()),
            updated_at=timezone.now(),
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


# --- clean-up ----------------------------------------------------------------------------

#: Imports that will never be applied as they are: refused, or left unapplied.
ABANDONED_STATUSES = (ImportStatus.REJECTED, ImportStatus.UPLOADED, ImportStatus.READY)


#: Imports a worker is busy with; stuck there when the worker died.
IN_PROGRESS_STATUSES = (ImportStatus.CHECKING, ImportStatus.APPLYING)


def imports_fail_stuck(now: datetime.datetime | None = None) -> int:
    """Mark failed the imports left checking or applying for more than
    ``CCHC_IMPORT_STUCK_HOURS`` hours (their worker died): refused, with a
    message saying so, so that the user sends the file again. An import is
    applied in one transaction, so a dead worker saved none of it."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.CCHC_IMPORT_STUCK_HOURS)
    failed = 0
    with transaction.atomic():
        for record in IndicatorImport.objects.select_for_update().filter(
            status__in=IN_PROGRESS_STATUSES, updated_at__lt=cutoff
        ):
            if record.status == ImportStatus.CHECKING:
                message = _(
                    "Việc kiểm tra tệp bị gián đoạn (máy chủ xử lý dừng giữa chừng) và đã quá %(hours)s giờ. "
                    "Vui lòng tải tệp lên lại để kiểm tra."
                )
            else:
                message = _(
                    "Việc nhập số liệu bị gián đoạn (máy chủ xử lý dừng giữa chừng) và đã quá %(hours)s giờ; "
                    "không có số liệu nào được lưu. Vui lòng tải tệp lên lại và nhập lại."
                )
            preview = dict(record.preview or {})
            preview["problems"] = [
                Problem(message % {"hours": settings.CCHC_IMPORT_STUCK_HOURS}).as_dict(),
                *preview.get("problems", []),
            ]
            record.status = ImportStatus.REJECTED
            record.preview = preview
            record.save(update_fields=["status", "preview", "updated_at"])
            failed += 1
    return failed


def imports_cleanup(now: datetime.datetime | None = None) -> dict:
    """Run daily: mark failed the imports stuck in checking or applying
    (``imports_fail_stuck``); delete the imports refused or left unapplied
    for ``CCHC_IMPORT_KEEP_DAYS`` days and, once that commits, their files.
    Imports being checked or applied, and imported ones (the tables' history
    names them), are kept."""
    now = now or timezone.now()
    failed = imports_fail_stuck(now)
    cutoff = now - datetime.timedelta(days=settings.CCHC_IMPORT_KEEP_DAYS)
    with transaction.atomic():
        expired = IndicatorImport.objects.filter(status__in=ABANDONED_STATUSES, updated_at__lt=cutoff)
        names = list(expired.values_list("file", flat=True))
        count, _deleted = expired.delete()
        job_files_delete(names)
    return {"imports_failed": failed, "imports_deleted": count, "files": len([n for n in names if n])}
