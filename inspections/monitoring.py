"""Following up a document's assigned tasks: the monitoring matrix (units ×
points, the state of each cell), its Excel export, the consolidated-report
draft for the monitoring unit, and the list of units overdue long enough to
be escalated to the monitoring unit's leader."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from cchc.choices import DocumentKind, DocumentStatus
from cchc.documents import issuers, kinds
from cchc.models import OfficialDocument, Unit, User
from cchc.xlsx import write_cell

from .assignments import committee_of, point_text
from .choices import CellState, RemediationReportStatus, TaskStatus
from .drafting import _source, decree_date, documents_of, in_vietnamese
from .models import RemediationReportItem, RemediationTask, TaskAssignment

CELL_CLASSES = {
    CellState.NOT_DUE: "",
    CellState.DUE_SOON: "table-warning",
    CellState.OVERDUE: "table-danger",
    CellState.REPORTED: "table-info",
    CellState.REPORTED_LATE: "table-info",
    CellState.RETURNED: "table-warning",
    CellState.ACCEPTED: "table-success",
}


def task_state(task: RemediationTask, today: datetime.date) -> str:
    """The state of a task for the matrix, from its status, its deadline and
    when it was reported (the report items must be prefetched as
    ``submitted_items``, newest first)."""
    if task.status == TaskStatus.ACCEPTED:
        return CellState.ACCEPTED
    if task.status == TaskStatus.RETURNED:
        return CellState.RETURNED
    if task.status == TaskStatus.REPORTED:
        items = getattr(task, "submitted_items", [])
        submitted = items[0].report.submitted_at if items else None
        if submitted is not None and submitted.date() > task.deadline:
            return CellState.REPORTED_LATE
        return CellState.REPORTED
    if task.deadline < today:
        return CellState.OVERDUE
    if task.deadline <= today + datetime.timedelta(days=settings.CCHC_TASK_DUE_SOON_DAYS):
        return CellState.DUE_SOON
    return CellState.NOT_DUE


@dataclass
class Cell:
    task: RemediationTask | None
    state: str = ""
    periods: list[RemediationTask] = field(default_factory=list)

    @property
    def css(self) -> str:
        return CELL_CLASSES.get(self.state, "")

    @property
    def label(self) -> str:
        return str(dict(CellState.choices).get(self.state, "")) if self.state else ""


@dataclass
class Column:
    assignment: TaskAssignment
    text: str

    @property
    def point(self) -> int:
        return self.assignment.point


@dataclass
class Row:
    unit: Unit
    cells: list[Cell]


@dataclass
class Matrix:
    document: OfficialDocument
    columns: list[Column]
    rows: list[Row]
    today: datetime.date
    counts: dict[str, int]


def document_tasks(document: OfficialDocument):
    submitted = (
        RemediationReportItem.objects.filter(
            report__status__in=(RemediationReportStatus.SUBMITTED, RemediationReportStatus.REVIEWED)
        )
        .select_related("report")
        .order_by("-report__submitted_at", "-id")
    )
    return (
        RemediationTask.objects.filter(source_document=document)
        .select_related("responsible_unit", "assignment")
        .prefetch_related(Prefetch("report_items", queryset=submitted, to_attr="submitted_items"))
        .order_by("point", "responsible_unit__path", "period")
    )


def document_matrix(
    document: OfficialDocument,
    *,
    today: datetime.date,
    state: str = "",
    unit_text: str = "",
    point: int | None = None,
) -> Matrix:
    """Units × points of a document, each cell the state of the unit's task
    for the point (a periodic point shows its latest period, with the
    earlier ones). A constant number of queries."""
    assignments = list(document.task_assignments.order_by("section", "point"))
    columns = [Column(a, point_text(document, a.section, a.point)) for a in assignments]
    if point:
        columns = [c for c in columns if c.point == point]
    by_cell: dict[tuple[int, int], list[RemediationTask]] = {}
    units: dict[int, Unit] = {}
    for task in document_tasks(document):
        by_cell.setdefault((task.responsible_unit_id, task.assignment_id), []).append(task)
        units[task.responsible_unit_id] = task.responsible_unit
    counts = dict.fromkeys(CellState.values, 0)
    rows = []
    needle = unit_text.strip().lower()
    for unit in sorted(units.values(), key=lambda u: u.path):
        if needle and needle not in unit.name.lower() and needle not in (unit.short_name or "").lower():
            continue
        cells = []
        for column in columns:
            tasks = by_cell.get((unit.pk, column.assignment.pk), [])
            if not tasks:
                cells.append(Cell(None))
                continue
            task = tasks[-1]
            cell = Cell(task, task_state(task, today), periods=tasks)
            cells.append(cell)
        if state and not any(c.state == state for c in cells):
            continue
        for cell in cells:
            if cell.state:
                counts[cell.state] += 1
        rows.append(Row(unit, cells))
    return Matrix(document, columns, rows, today, counts)


def matrix_workbook(matrix: Matrix) -> bytes:
    """The matrix as an Excel workbook, through the safe cell writer."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Theo doi"
    write_cell(sheet, 1, 1, _("Theo dõi thực hiện %(doc)s") % {"doc": matrix.document}).font = Font(bold=True)
    write_cell(sheet, 2, 1, _("Tính đến ngày %(date)s") % {"date": matrix.today.strftime("%d/%m/%Y")})
    header = 4
    write_cell(sheet, header, 1, _("Đơn vị")).font = Font(bold=True)
    for index, column in enumerate(matrix.columns, start=2):
        cell = write_cell(sheet, header, index, _("Điểm %(n)s") % {"n": column.point})
        cell.font = Font(bold=True)
    fills = {
        CellState.OVERDUE: "F8D7DA",
        CellState.ACCEPTED: "D1E7DD",
        CellState.RETURNED: "FFF3CD",
        CellState.DUE_SOON: "FFF3CD",
        CellState.REPORTED: "CFF4FC",
        CellState.REPORTED_LATE: "CFF4FC",
    }
    for row_index, row in enumerate(matrix.rows, start=header + 1):
        write_cell(sheet, row_index, 1, str(row.unit))
        for index, cell in enumerate(row.cells, start=2):
            if cell.task is None:
                write_cell(sheet, row_index, index, "")
                continue
            text = f"{cell.label} ({cell.task.deadline:%d/%m/%Y})"
            written = write_cell(sheet, row_index, index, text)
            written.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.state in fills:
                written.fill = PatternFill("solid", fgColor=fills[cell.state])
    sheet.column_dimensions["A"].width = 48
    points = workbook.create_sheet("Noi dung")
    write_cell(points, 1, 1, _("Điểm")).font = Font(bold=True)
    write_cell(points, 1, 2, _("Nội dung")).font = Font(bold=True)
    for index, column in enumerate(matrix.columns, start=2):
        write_cell(points, index, 1, column.point)
        write_cell(points, index, 2, column.text)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def escalations(
    document: OfficialDocument, *, today: datetime.date
) -> list[tuple[Unit, list[RemediationTask]]]:
    """Units with a task of the document overdue by more than
    ``CCHC_TASK_ESCALATION_DAYS``: listed for the monitoring unit's leader."""
    limit = today - datetime.timedelta(days=settings.CCHC_TASK_ESCALATION_DAYS)
    tasks = (
        RemediationTask.objects.filter(source_document=document)
        .open()
        .filter(deadline__lt=limit)
        .select_related("responsible_unit")
        .order_by("responsible_unit__path", "point")
    )
    groups: dict[int, tuple[Unit, list]] = {}
    for task in tasks:
        groups.setdefault(task.responsible_unit_id, (task.responsible_unit, []))[1].append(task)
    return list(groups.values())


def _names(tasks) -> str:
    return "; ".join(str(t.responsible_unit.short_name or t.responsible_unit.name) for t in tasks)


def consolidated_points(matrix: Matrix) -> list[str]:
    """Point by point, who has done what and who is late, as the
    consolidated report writes it."""
    lines = []
    for index, column in enumerate(matrix.columns):
        cells = [row.cells[index] for row in matrix.rows if row.cells[index].task is not None]
        by_state: dict[str, list] = {}
        for cell in cells:
            by_state.setdefault(cell.state, []).append(cell.task)
        excerpt = column.text if len(column.text) < 160 else column.text[:157].rsplit(" ", 1)[0] + "..."
        parts = [
            _("Điểm %(n)s (%(text)s): %(count)s đơn vị được giao.")
            % {"n": column.point, "text": excerpt, "count": len(cells)}
        ]
        wording = (
            (CellState.ACCEPTED, _("Đã hoàn thành, được chấp nhận")),
            (CellState.REPORTED, _("Đã báo cáo, đang xem xét")),
            (CellState.REPORTED_LATE, _("Đã báo cáo nhưng chậm so với thời hạn")),
            (CellState.RETURNED, _("Báo cáo bị trả lại, phải bổ sung")),
            (CellState.OVERDUE, _("Chưa báo cáo, đã quá hạn")),
            (CellState.DUE_SOON, _("Chưa báo cáo, sắp đến hạn")),
            (CellState.NOT_DUE, _("Chưa đến hạn báo cáo")),
        )
        for state, label in wording:
            if by_state.get(state):
                parts.append(
                    _("%(label)s (%(n)s): %(names)s.")
                    % {"label": label, "n": len(by_state[state]), "names": _names(by_state[state])}
                )
        lines.append(" ".join(parts))
    return lines


@in_vietnamese
@transaction.atomic
def consolidated_draft(
    *, document: OfficialDocument, user: User | None = None, today: datetime.date | None = None
) -> OfficialDocument:
    """The monitoring unit's report to the issuer's chair on the execution
    of a document (a công văn, seed 004 point 13), drafted from the matrix:
    point by point, who has done what and who is late. Issued like any
    document; drafting again returns the draft that exists."""
    existing = (
        documents_of(document, DocumentKind.FOLLOW_UP_LETTER)
        .filter(status=DocumentStatus.DRAFT)
        .order_by("-id")
        .first()
    )
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    monitor = (
        document.task_assignments.exclude(monitoring_unit=None).select_related("monitoring_unit").first()
    )
    unit = monitor.monitoring_unit if monitor else document.issuing_unit
    committee = committee_of(document.issuing_unit)
    drafting = issuers.default_drafting_unit(unit)
    header = issuers.unit_header(unit, drafting=drafting)
    if not header.symbol:
        raise ValidationError(
            _("%(unit)s chưa có ký hiệu văn bản; quản trị viên cần khai báo trước khi dự thảo.")
            % {"unit": unit}
        )
    signatory = issuers.default_signatory(unit)
    block = (
        issuers.signatory_authority(signatory)
        if signatory
        else issuers.authority(head_title=_("GIÁM ĐỐC"), position=_("PHÓ GIÁM ĐỐC"), name="")
    )
    matrix = document_matrix(document, today=today)
    late = sum(1 for row in matrix.rows if any(c.state == CellState.OVERDUE for c in row.cells))
    reference = _("%(kind)s số %(number)s ngày %(date)s của %(issuer)s") % {
        "kind": _("Văn bản") if document.type_code else _("Công văn"),
        "number": document.number_symbol,
        "date": decree_date(document.issued_on),
        "issuer": committee,
    }
    draft = OfficialDocument(
        **kinds.type_fields(DocumentKind.FOLLOW_UP_LETTER),
        issuing_unit=unit,
        **header.as_fields(),
        drafting_unit=drafting,
        signatory=signatory,
        place=unit.place_name or committee.place_name or committee.name,
        summary=(_("V/v báo cáo kết quả thực hiện %(ref)s") % {"ref": reference})[:480],
        addressee=_("Chủ tịch %(committee)s") % {"committee": committee},
        content={
            "intro": [
                _(
                    "Thực hiện nhiệm vụ được giao tại %(ref)s, %(unit)s đã theo dõi, đôn đốc các cơ quan, "
                    "đơn vị thực hiện. Tính đến ngày %(date)s, %(rows)s cơ quan, đơn vị được giao nhiệm vụ, "
                    "trong đó %(late)s cơ quan, đơn vị có nhiệm vụ quá hạn chưa báo cáo. "
                    "Kết quả cụ thể như sau:"
                )
                % {
                    "ref": reference,
                    "unit": unit,
                    "date": today.strftime("%d/%m/%Y"),
                    "rows": len(matrix.rows),
                    "late": late,
                }
            ],
            "sections": [{"title": "", "points": consolidated_points(matrix)}],
            "closing": [
                _("%(unit)s kính báo cáo Chủ tịch %(committee)s xem xét, chỉ đạo.")
                % {"unit": unit.short_name or unit.name, "committee": committee}
            ],
        },
        recipients=[_("Như trên")],
        archive_line=issuers.archive_line(drafting.code if drafting else ""),
        created_by=user,
        **block.as_fields(),
        **_source(document),
    )
    draft.full_clean()
    draft.save()
    draft.recipient_units.set([committee])
    return draft
