"""A dashboard table as an Excel workbook, written through the safe cell
writer (``cchc.xlsx``) so that it cannot carry a formula (unit names and
findings are typed, or pasted, by people)."""

from __future__ import annotations

import io

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc.text import fold
from cchc.xlsx import clean_text, write_cell

from .pages import Table
from .selectors import Scope


def table_workbook(table: Table, *, subtitle: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = clean_text(str(table.title))[:31].replace("/", "-") or "Bang"
    write_cell(sheet, 1, 1, str(table.title)).font = Font(bold=True, size=13)
    if subtitle:
        write_cell(sheet, 2, 1, subtitle).font = Font(italic=True)
    header_row = 4
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for column, name in enumerate(table.columns, start=1):
        cell = write_cell(sheet, header_row, column, str(name))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [min(max(len(str(name)), 8), 40) for name in table.columns]
    for row_index, values in enumerate(table.rows, start=header_row + 1):
        for column, value in enumerate(values, start=1):
            cell = write_cell(sheet, row_index, column, value)
            if column - 1 in table.percent_columns and value is not None:
                cell.number_format = "0.0%"
            if isinstance(value, str):
                widths[column - 1] = min(max(widths[column - 1], len(value)), 60)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(table: Table, scope: Scope) -> str:
    place = slugify(fold(str(scope.root)) if scope.root is not None else "toan-quoc")
    return f"{table.key}-{place or 'don-vi'}-{scope.year}.xlsx"
