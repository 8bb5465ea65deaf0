"""The official tables out of the app: Excel (one unit, or a province with a
sheet per unit and a summary sheet), the app's own template to fill in, and
the PDF appendix.

Every output is built from the same view-model (``TableSection``: an
appendix version, its periods as columns, its rows with the cells as the
table prints them), so the workbook, the template and the PDF show the same
figures, and a workbook exported here imports back unchanged. They are in
Vietnamese whatever the language of the page they are asked from
(``official()``): the import reads their headers back.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from cchc.models import Unit
from cchc.xlsx import write_cell

from .catalogue import templates_for_years
from .cells import BLANK, NA, Cell, cell_excel, cell_text, stored_cell, warning_message
from .choices import Rollup, ValueKind
from .models import Indicator, IndicatorTable, IndicatorTemplate
from .periods import Period

SUMMARY_TITLE = "Tổng hợp"
#: The language of the official layout.
OFFICIAL_LANGUAGE = "vi"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class TableRow:
    indicator: Indicator
    cells: list[Cell]
    flagged: list[list[str]] = field(default_factory=list)
    hint: str = ""
    #: Each cell's "Ghi chú" (a unit's sheet only).
    notes: list[str] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.indicator.number.count(".")

    @property
    def texts(self) -> list[str]:
        return [cell_text(cell) for cell in self.cells]


@dataclass
class TableSection:
    """One appendix version with its periods as columns."""

    template: IndicatorTemplate
    periods: list[Period]
    rows: list[TableRow]

    @property
    def range_label(self) -> str:
        """The header above the period columns. It must not name a period
        other than its first column's, since the import reads it as that
        column's header too: one column has its own header ("Năm 2020
        (Tính đến 31/3)" over itself); several years are a range ("Giai
        đoạn 2015 - 2020", which names no period); a year and a part of it
        are grouped under the year ("Năm 2020"), which the import takes as
        a group header over the part-year column below it."""
        if len(self.periods) == 1:
            return self.periods[0].header
        years = sorted({p.year for p in self.periods})
        if not years:
            return ""
        if years[0] == years[-1]:
            return _("Năm %(year)s") % {"year": years[0]}
        return _("Giai đoạn %(first)s - %(last)s") % {"first": years[0], "last": years[-1]}

    @property
    def has_flags(self) -> bool:
        return any(any(flags) for row in self.rows for flags in row.flagged)


@dataclass
class SheetSpec:
    title: str
    lines: list[str]
    sections: list[TableSection]
    unit: Unit | None = None
    hints: bool = False
    #: Placed before the sheets written earlier (the summary, built last).
    first_sheet: bool = False


# --- view-models -------------------------------------------------------------------


def official():
    """The official tables are in Vietnamese whatever the language of the
    page they are asked from: provinces file them as they are, and the
    import reads their headers back ("Chỉ tiêu", "Năm 2020 (Tính đến
    31/3)", "Mã đơn vị: ..."). Text written into a table is made inside
    this; what the user reads meanwhile (a job's progress) is not."""
    return translation.override(OFFICIAL_LANGUAGE)


def _versions(first: int, last: int) -> list[IndicatorTemplate]:
    return list(templates_for_years(first, last))


def _periods_for(template: IndicatorTemplate, tables: Iterable[IndicatorTable], first: int, last: int):
    return sorted(
        {
            Period(r.year, r.through)
            for r in tables
            if first <= r.year <= last and template.is_valid_in(r.year)
        },
        key=lambda p: p.sort_key,
    )


def unit_sections(
    tables: list[IndicatorTable], versions: list[IndicatorTemplate], first: int, last: int
) -> list[TableSection]:
    """A unit's tables: each appendix version with the unit's periods."""
    by_period = {Period(r.year, r.through): r for r in tables}
    values = {Period(r.year, r.through): {v.indicator_id: v for v in r.values.all()} for r in tables}
    sections = []
    for template in versions:
        periods = _periods_for(template, by_period.values(), first, last)
        if not periods:
            continue
        rows = []
        for indicator in template.indicators.all():
            stored = [values[p].get(indicator.pk) for p in periods]
            rows.append(
                TableRow(
                    indicator=indicator,
                    cells=[stored_cell(v) for v in stored],
                    flagged=[
                        [warning_message(k, indicator) for k in (v.warnings if v else [])] for v in stored
                    ],
                    notes=[v.note if v else "" for v in stored],
                )
            )
        sections.append(TableSection(template, periods, rows))
    return sections


def rollup_cell(indicator: Indicator, cells: list[Cell]) -> Cell:
    """The province's figure from the units' by the indicator's rule: a sum,
    a sum of numerators over a sum of denominators, or none."""
    reported = [c for c in cells if not c.blank]
    if not reported:
        return BLANK
    figures = [c for c in reported if not c.not_applicable]
    if not figures:
        return NA
    if indicator.rollup == Rollup.NONE or indicator.value_kind == ValueKind.TEXT:
        return BLANK
    if indicator.value_kind == ValueKind.LEVELS:
        totals: dict[str, int] = {}
        for cell in figures:
            for level, number in (cell.levels or {}).items():
                totals[level] = totals.get(level, 0) + number
        order = indicator.levels or sorted(totals)
        return Cell(levels={level: totals[level] for level in order if level in totals})
    if indicator.value_kind == ValueKind.FRACTION:
        return Cell(
            number=sum(c.number or 0 for c in figures), denominator=sum(c.denominator or 0 for c in figures)
        )
    return Cell(number=sum(c.number or 0 for c in figures))


def summary_sections(
    tables_by_unit: dict[int, list[IndicatorTable]],
    versions: list[IndicatorTemplate],
    first: int,
    last: int,
) -> list[TableSection]:
    """The province's totals over the units exported, by the roll-up rules."""
    all_tables = [r for tables in tables_by_unit.values() for r in tables]
    cells: dict[tuple[Period, int], list[Cell]] = defaultdict(list)
    for table in all_tables:
        period = Period(table.year, table.through)
        for value in table.values.all():
            cells[(period, value.indicator_id)].append(stored_cell(value))
    sections = []
    for template in versions:
        periods = _periods_for(template, all_tables, first, last)
        if not periods:
            continue
        rows = [
            TableRow(
                indicator=indicator,
                cells=[rollup_cell(indicator, cells.get((p, indicator.pk), [])) for p in periods],
            )
            for indicator in template.indicators.all()
        ]
        sections.append(TableSection(template, periods, rows))
    return sections


def _unit_lines(unit: Unit) -> list[str]:
    code = _("Mã đơn vị: %(code)s") % {"code": unit.code} if unit.code else ""
    return [f"{unit.name.upper()}" + (f" – {code}" if code else "")]


def _sheet_title(unit: Unit, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", unit.code or unit.short_name or unit.name)[:31] or "Don vi"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


#: ``progress(done, step)``: ``done`` units of the export written, and what
#: is being done now (for a job's progress bar).
Progress = Callable[[int, str], None]


def iter_export(
    *,
    units: list[Unit],
    tables: Iterable[IndicatorTable],
    first: int,
    last: int,
    summary: bool,
    root: Unit | None = None,
    progress: Progress | None = None,
) -> Iterator[SheetSpec]:
    """The sheets of an export, built one at a time as they are written: one
    per unit that has tables in the years, then the summary sheet (marked to
    go first) for several units. ``progress`` hears of each unit once its
    sheet has been taken (so written, when the consumer writes as it goes)."""
    by_unit: dict[int, list[IndicatorTable]] = defaultdict(list)
    for table in tables:
        by_unit[table.unit_id].append(table)
    versions = _versions(first, last)
    used = {SUMMARY_TITLE.lower()}
    names = []
    for done, unit in enumerate(units, start=1):
        if unit.pk in by_unit or not (summary or len(units) > 1):
            names.append(str(unit))
            with official():
                spec = SheetSpec(
                    title=_sheet_title(unit, used),
                    lines=_unit_lines(unit),
                    sections=unit_sections(by_unit.get(unit.pk, []), versions, first, last),
                    unit=unit,
                )
            yield spec
        if progress:
            progress(done, _("Đã xuất: %(unit)s") % {"unit": unit})
    if summary:
        if progress:
            progress(len(units), _("Đang lập trang tổng hợp"))
        with official():
            lines = [
                _("TỔNG HỢP SỐ LIỆU %(unit)s") % {"unit": str(root or "").upper()},
                _("Tổng hợp %(n)s đơn vị: %(names)s") % {"n": len(names), "names": ", ".join(names)},
            ]
            spec = SheetSpec(
                SUMMARY_TITLE, lines, summary_sections(by_unit, versions, first, last), first_sheet=True
            )
        yield spec


def unit_export(
    *,
    units: list[Unit],
    tables: Iterable[IndicatorTable],
    first: int,
    last: int,
    summary: bool,
    root: Unit | None = None,
) -> list[SheetSpec]:
    """The sheets of an export in their order: the summary sheet first (for
    several units), then one per unit that has tables in the years."""
    sheets = list(iter_export(units=units, tables=tables, first=first, last=last, summary=summary, root=root))
    if summary:
        sheets.insert(0, sheets.pop())
    return sheets


def template_sheets(*, unit: Unit, period: Period) -> list[SheetSpec]:
    """The app's own template for one unit and period, with the figures it
    already has and a column saying how to write each cell."""
    with official():
        return _template_sheets(unit, period)


def _template_sheets(unit: Unit, period: Period) -> list[SheetSpec]:
    table = (
        IndicatorTable.objects.filter(unit=unit, year=period.year, through=period.through)
        .prefetch_related("values")
        .first()
    )
    versions = _versions(period.year, period.year)
    values = {v.indicator_id: v for v in table.values.all()} if table else {}
    sections = []
    for template in versions:
        rows = [
            TableRow(
                indicator=indicator,
                cells=[stored_cell(values.get(indicator.pk))],
                hint=cell_hint(indicator, unit),
            )
            for indicator in template.indicators.all()
        ]
        sections.append(TableSection(template, [period], rows))
    lines = _unit_lines(unit) + [
        _(
            "Cách ghi: số lượng là số nguyên; tỉ lệ ghi tử số/mẫu số (5650/5658); “/” là không áp dụng; "
            "để trống là chưa có số liệu."
        )
    ]
    return [SheetSpec(_sheet_title(unit, set()), lines, sections, unit=unit, hints=True)]


def cell_hint(indicator: Indicator, unit: Unit) -> str:
    if not indicator.reported_by(unit.kind):
        return _("Không áp dụng với đơn vị này: ghi “/”.")
    hint = {
        ValueKind.COUNT: _("Số nguyên"),
        ValueKind.FRACTION: _("Tử số/mẫu số, ví dụ 5650/5658"),
        ValueKind.TEXT: _("Văn bản"),
        ValueKind.LEVELS: _("Theo cấp, ví dụ H:113 X:288"),
    }[indicator.value_kind]
    if indicator.value_kind == ValueKind.FRACTION and indicator.numerator_label:
        hint += f" ({indicator.numerator_label}/{indicator.denominator_label})"
    if indicator.allows_not_applicable:
        hint += _("; “/” nếu không áp dụng")
    return hint


# --- Excel ---------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "Times New Roman"


def _styles() -> list[NamedStyle]:
    def style(
        name,
        *,
        bold=False,
        italic=False,
        size=12,
        wrap=False,
        horizontal=None,
        box=False,
        fill=None,
        text=False,
    ):
        named = NamedStyle(name=name)
        named.font = Font(name=_FONT, bold=bold, italic=italic, size=size)
        named.alignment = Alignment(wrap_text=wrap, horizontal=horizontal, vertical="center")
        if box:
            named.border = _BOX
        if fill:
            named.fill = PatternFill("solid", fgColor=fill)
        if text:
            named.number_format = "@"
        return named

    return [
        style("ind_unit", bold=True, size=13),
        style("ind_line", italic=True, size=11),
        style("ind_appendix", bold=True, size=13),
        style("ind_title", bold=True, size=13),
        style("ind_subtitle", italic=True, size=12),
        style("ind_head", bold=True, wrap=True, horizontal="center", box=True),
        style("ind_stt", horizontal="center", box=True),
        style("ind_stt_top", bold=True, horizontal="center", box=True),
        style("ind_name", wrap=True, box=True),
        style("ind_name_top", bold=True, wrap=True, box=True),
        style("ind_count", horizontal="center", box=True),
        style("ind_text", horizontal="center", box=True, wrap=True, text=True),
        style("ind_flag", horizontal="center", box=True, wrap=True, text=True, fill="FFF2CC"),
        style("ind_hint", italic=True, size=10, wrap=True, box=True),
    ]


_TEXT_KINDS = {ValueKind.FRACTION, ValueKind.TEXT, ValueKind.LEVELS}


def write_workbook(sheets: Iterable[SheetSpec], *, progress: Progress | None = None, done: int = 0) -> bytes:
    """The workbook of ``sheets``, each written as it comes. ``progress``
    hears ``done`` (units written) once more before the file is saved."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for named in _styles():
        workbook.add_named_style(named)
    # The sheets are taken outside ``official()``: a generator may report
    # progress in the user's language while it builds them.
    for spec in sheets:
        with official():
            _write_sheet(workbook.create_sheet(spec.title, 0 if spec.first_sheet else None), spec)
    if not workbook.worksheets:
        with official():
            sheet = workbook.create_sheet(_("Không có số liệu"))
            write_cell(
                sheet, 1, 1, _("Không có bảng số liệu nào trong khoảng thời gian đã chọn."), "ind_line"
            )
    workbook.properties.creator = "cchc"
    workbook.properties.created = timezone.now().replace(tzinfo=None)
    if progress:
        progress(done, _("Đang lưu tệp Excel"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, spec: SheetSpec) -> None:
    row = 1
    for line in spec.lines:
        write_cell(sheet, row, 1, line, "ind_unit" if row == 1 else "ind_line")
        row += 1
    widest = 0
    for section in spec.sections:
        row += 1
        row = _write_section(sheet, row, section, hints=spec.hints)
        widest = max(widest, len(section.periods))
    sheet.column_dimensions["A"].width = 7
    sheet.column_dimensions["B"].width = 62
    for column in range(3, 3 + widest + (1 if spec.hints else 0)):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    if spec.hints:
        sheet.column_dimensions[get_column_letter(3 + widest)].width = 42
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write_section(sheet, row: int, section: TableSection, *, hints: bool) -> int:
    template = section.template
    write_cell(sheet, row, 1, f"{template.short_name}:", "ind_appendix")
    write_cell(sheet, row + 1, 1, template.title, "ind_title")
    if template.subtitle:
        write_cell(sheet, row + 2, 1, template.subtitle, "ind_subtitle")
    row += 4
    n = len(section.periods)
    last_column = 2 + n
    write_cell(sheet, row, 1, "STT", "ind_head")
    write_cell(sheet, row, 2, _("Chỉ tiêu"), "ind_head")
    write_cell(sheet, row, 3, section.range_label, "ind_head")
    for column in range(4, last_column + 1):
        write_cell(sheet, row, column, None, "ind_head")
    for column, period in enumerate(section.periods, start=3):
        write_cell(sheet, row + 1, column, period.header, "ind_head")
    write_cell(sheet, row + 1, 1, None, "ind_head")
    write_cell(sheet, row + 1, 2, None, "ind_head")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
    sheet.merge_cells(start_row=row, start_column=2, end_row=row + 1, end_column=2)
    if n > 1:
        sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=last_column)
    if hints:
        write_cell(sheet, row, last_column + 1, _("Cách ghi"), "ind_head")
        write_cell(sheet, row + 1, last_column + 1, None, "ind_head")
        sheet.merge_cells(
            start_row=row, start_column=last_column + 1, end_row=row + 1, end_column=last_column + 1
        )
    row += 2
    for table_row in section.rows:
        indicator = table_row.indicator
        top = table_row.depth == 0
        write_cell(sheet, row, 1, indicator.number, "ind_stt_top" if top else "ind_stt")
        write_cell(sheet, row, 2, indicator.name, "ind_name_top" if top else "ind_name")
        text_kind = indicator.value_kind in _TEXT_KINDS
        for offset, cell in enumerate(table_row.cells):
            flagged = table_row.flagged[offset] if table_row.flagged else []
            style = "ind_flag" if flagged else ("ind_text" if text_kind else "ind_count")
            write_cell(sheet, row, 3 + offset, cell_excel(cell), style)
            note = table_row.notes[offset] if table_row.notes else ""
            if note:
                # The official layout has no notes column: the office's
                # "Ghi chú" is the cell's comment, as Excel shows notes.
                sheet.cell(row=row, column=3 + offset).comment = Comment(
                    f"{_('Ghi chú')}: {note}", "cchc", width=240, height=90
                )
        if hints:
            write_cell(sheet, row, last_column + 1, table_row.hint, "ind_hint")
        row += 1
    if section.has_flags:
        write_cell(
            sheet,
            row,
            1,
            _(
                "Ô tô màu: số liệu có cảnh báo (tử số lớn hơn mẫu số, "
                "hoặc lớn hơn chỉ tiêu cha), giữ như đơn vị đã ghi."
            ),
            "ind_line",
        )
        row += 1
    return row


def export_workbook(
    *,
    units: list[Unit],
    tables: Iterable[IndicatorTable],
    first: int,
    last: int,
    root: Unit | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The official layout for one unit, or for several with a summary
    sheet first. ``tables`` are the units' tables in the years with their
    values (``selectors.tables_for_export``); ``progress(done, step)``
    follows it unit by unit."""
    summary = len(units) > 1
    sheets = iter_export(
        units=units, tables=tables, first=first, last=last, summary=summary, root=root, progress=progress
    )
    return write_workbook(sheets, progress=progress, done=len(units))


def template_workbook(*, unit: Unit, period: Period) -> bytes:
    return write_workbook(template_sheets(unit=unit, period=period))


# --- PDF -------------------------------------------------------------------------------


def table_html(*, unit: Unit, tables: Iterable[IndicatorTable], first: int, last: int) -> str:
    """The PDF appendix's HTML (landscape A4): the unit's tables, in
    Vietnamese whatever the page's language."""
    with official():
        sheets = unit_export(units=[unit], tables=tables, first=first, last=last, summary=False)
        sections = sheets[0].sections if sheets else []
        return render_to_string(
            "official/indicator_table.html",
            {
                "unit": unit,
                "sections": sections,
                "first": first,
                "last": last,
                "title": _("Số liệu chỉ tiêu cải cách hành chính %(unit)s") % {"unit": unit},
            },
        )


def export_pdf(*, unit: Unit, tables: Iterable[IndicatorTable], first: int, last: int) -> bytes:
    from cchc.documents.pdf import render_pdf

    return render_pdf(table_html(unit=unit, tables=tables, first=first, last=last))
