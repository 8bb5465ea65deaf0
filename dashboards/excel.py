"""A dashboard table as an Excel workbook, written so that it cannot carry
a formula: text that Excel would read as one ("=", "+", "-", "@" first) is
stored as text with Excel's quote prefix, and characters XML cannot hold
are dropped (unit names and findings are typed, or pasted, by people)."""

from __future__ import annotations

import io
import re

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc.text import fold

from .pages import Table
from .selectors import Scope

_ILLEGAL_XML = re.compile(r"[^\u0020-\uD7FF\u0009\u000A\u000D\uE000-\uFFFD\U00010000-\U0010FFFF]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32_000  # Excel's limit per cell is 32,767 characters


def clean_text(value: str) -> str:
    return _ILLEGAL_XML.sub("", value)[:MAX_TEXT]


def write_cell(sheet, row: int, column: int, value):
    """Write ``value``; text is always text, never a formula."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        if text.startswith(_FORMULA_START):
            cell.data_type = TYPE_STRING
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


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
