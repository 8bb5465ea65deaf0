"""The sociological survey's points (kết quả điều tra xã hội học), imported
from Excel per unit and survey criterion, all or nothing.

The sheet has a header row with **Mã đơn vị** (the unit's official code; a
unit without a code may be named by its name in a **Tên đơn vị** column)
and one column per survey criterion, headed by its code as in the set
("8.1", "8.2"). A set with a single survey criterion may use one column
**Điểm**. A blank cell is no result (the unit's index stays provisional).
Units must be included in the cycle; points go from 0 to the criterion's
maximum. Any problem: nothing is saved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.models import User
from cchc.text import fold
from cchc.xlsx import UploadError, open_upload

from .. import scoring
from ..choices import CycleStatus
from ..models import Cycle, CycleUnit, SurveyImport, SurveyResult
from .cycles import survey_nodes

UNIT_CODE = "Mã đơn vị"
UNIT_NAME = "Tên đơn vị"
SINGLE = "Điểm"
MAX_ROWS = 20_000


@dataclass
class SurveyPreview:
    """What the import would save: ``(unit id, node id, points)`` rows, and
    every problem."""

    rows: list[tuple[int, int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    units: int = 0
    sha256: str = ""
    original_name: str = ""

    def as_session(self) -> dict:
        return {
            "rows": self.rows,
            "units": self.units,
            "sha256": self.sha256,
            "original_name": self.original_name,
        }

    @classmethod
    def from_session(cls, data: dict) -> SurveyPreview:
        return cls(
            rows=[tuple(row) for row in data["rows"]],
            units=data["units"],
            sha256=data["sha256"],
            original_name=data["original_name"],
        )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def survey_import_read(upload, *, cycle: Cycle, original_name: str = "") -> SurveyPreview:
    """Read and check a survey workbook for ``cycle``; nothing is saved."""
    preview = SurveyPreview(original_name=original_name or getattr(upload, "name", "") or "")
    nodes = survey_nodes(cycle)
    if not nodes:
        preview.problems.append(_("Bộ tiêu chí của đợt này không có tiêu chí điều tra xã hội học."))
        return preview
    preview.sha256 = _sha256(upload)
    try:
        workbook = open_upload(upload)
    except UploadError as error:
        preview.problems.append(str(error))
        return preview
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_code = {fold(node.code): node for node in nodes}
    unit_column = name_column = None
    node_columns: dict[int, object] = {}
    for index, text in enumerate(header):
        folded = fold(_text(text))
        if folded == fold(UNIT_CODE):
            unit_column = index
        elif folded == fold(UNIT_NAME):
            name_column = index
        elif folded in by_code:
            node_columns[index] = by_code[folded]
        elif folded == fold(SINGLE) and len(nodes) == 1:
            node_columns[index] = nodes[0]
        elif folded:
            preview.problems.append(
                _(
                    "Trang “%(sheet)s”, dòng 1: cột “%(c)s” không phải là tiêu chí điều tra "
                    "của bộ tiêu chí (có: %(codes)s)."
                )
                % {"sheet": sheet.title, "c": _text(text), "codes": ", ".join(node.code for node in nodes)}
            )
    if unit_column is None and name_column is None:
        preview.problems.append(
            _("Trang “%(sheet)s”, dòng 1: thiếu cột “%(c)s”.") % {"sheet": sheet.title, "c": UNIT_CODE}
        )
    if not node_columns:
        preview.problems.append(
            _("Trang “%(sheet)s”, dòng 1: không có cột điểm nào (ghi mã tiêu chí điều tra: %(codes)s).")
            % {"sheet": sheet.title, "codes": ", ".join(node.code for node in nodes)}
        )
    if preview.problems:
        return preview
    members = list(CycleUnit.objects.filter(cycle=cycle).select_related("unit"))
    by_unit_code = {member.unit.code: member for member in members if member.unit.code}
    by_unit_name: dict[str, CycleUnit] = {}
    for member in members:
        for name in (member.unit.name, member.unit.short_name):
            if name:
                by_unit_name.setdefault(fold(name), member)
    seen: dict[int, int] = {}
    for number, values in enumerate(rows, start=2):
        values = values or ()

        def cell(index, values=values):
            return values[index] if index is not None and index < len(values) else None

        if all(_text(value) == "" for value in values):
            continue
        if number > MAX_ROWS:
            preview.problems.append(_("Tệp có quá %(n)s dòng.") % {"n": MAX_ROWS})
            return preview

        def problem(column: str, message: str, number=number) -> None:
            preview.problems.append(
                _("Trang “%(sheet)s”, dòng %(row)s, cột “%(column)s”: %(message)s")
                % {"sheet": sheet.title, "row": number, "column": column, "message": message}
            )

        code, name = _text(cell(unit_column)), _text(cell(name_column))
        member = by_unit_code.get(code) if code else by_unit_name.get(fold(name))
        if member is None:
            problem(
                UNIT_CODE if code or name_column is None else UNIT_NAME,
                _("không có đơn vị “%(u)s” trong đợt đánh giá.") % {"u": code or name},
            )
            continue
        if not member.included:
            problem(UNIT_CODE, _("đơn vị “%(u)s” không được đánh giá trong đợt này.") % {"u": member.unit})
            continue
        if member.unit_id in seen:
            problem(
                UNIT_CODE,
                _("đơn vị “%(u)s” trùng với dòng %(r)s.") % {"u": member.unit, "r": seen[member.unit_id]},
            )
            continue
        seen[member.unit_id] = number
        for index, node in node_columns.items():
            raw = cell(index)
            if _text(raw) == "":
                continue
            try:
                points = scoring.parse_decimal(raw)
            except scoring.ScoringError:
                problem(node.code, _("“%(v)s” không phải là số điểm.") % {"v": _text(raw)})
                continue
            if points < 0 or points > node.max_points:
                problem(
                    node.code,
                    _("%(p)s điểm ngoài khoảng 0 đến %(m)s.")
                    % {"p": scoring.plain(points), "m": scoring.plain(node.max_points)},
                )
                continue
            preview.rows.append((member.unit_id, node.pk, str(points)))
    preview.units = len(seen)
    if not seen and not preview.problems:
        preview.problems.append(_("Tệp không có dòng dữ liệu nào."))
    return preview


@transaction.atomic
def survey_import_save(
    *, cycle: Cycle, preview: SurveyPreview, user: User | None, source: str = ""
) -> SurveyImport:
    """Save the survey points read (the units' earlier points for the same
    criteria are replaced), all or nothing; the cycle's results need
    computing again."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == CycleStatus.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố, không nhập lại điểm điều tra được."))
    if preview.problems:
        raise ValidationError(preview.problems)
    valid_units = set(CycleUnit.objects.filter(cycle=cycle, included=True).values_list("unit_id", flat=True))
    valid_nodes = {node.pk: node.max_points for node in survey_nodes(cycle)}
    for unit_id, node_id, points in preview.rows:
        if (
            unit_id not in valid_units
            or node_id not in valid_nodes
            or not 0 <= Decimal(points) <= valid_nodes[node_id]
        ):
            raise ValidationError(_("Đợt đánh giá đã thay đổi từ lúc đọc tệp: hãy tải tệp lên lại."))
    record = SurveyImport(
        cycle=cycle,
        original_name=preview.original_name[:255],
        sha256=preview.sha256,
        rows=len(preview.rows),
        source=source,
        imported_by=user,
    )
    record.full_clean()
    record.save()
    units = {unit_id for unit_id, _node, _points in preview.rows}
    nodes = {node_id for _unit, node_id, _points in preview.rows}
    SurveyResult.objects.filter(cycle=cycle, unit_id__in=units, node_id__in=nodes).delete()
    SurveyResult.objects.bulk_create(
        SurveyResult(
            cycle=cycle, unit_id=unit_id, node_id=node_id, points=Decimal(points), source_import=record
        )
        for unit_id, node_id, points in preview.rows
    )
    return record
