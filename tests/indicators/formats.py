"""The same workbook in every format offices send: an openpyxl workbook
(values and merged ranges) written again as .xls (xlwt) and .ods (odfpy),
so that one test builds a layout once and reads it in all three.

An error value ("#DIV/0!", which openpyxl stores as an error cell) is
written as each program saves one: ``t="e"`` in .xlsx, a BOOLERR error
record in .xls, and in .ods a formula cell with LibreOffice's
``calcext:value-type="error"`` and the error's text."""

from __future__ import annotations

import io

import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

FORMATS = ["xlsx", "xls", "ods"]
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
# xlwt knows "#N/A" only by its code.
_XLS_ERRORS = {"#N/A": 0x2A}


def _grid(sheet) -> tuple[dict[tuple[int, int], object], dict[tuple[int, int], tuple[int, int]]]:
    """{(row, column): value} (1-based) and {top-left: (rows, columns)} of merges."""
    values = {
        (cell.row, cell.column): cell.value
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    merges = {
        (r.min_row, r.min_col): (r.max_row - r.min_row + 1, r.max_col - r.min_col + 1)
        for r in sheet.merged_cells.ranges
    }
    return values, merges


def as_xlsx(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_xls(workbook: Workbook) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    for sheet in workbook.worksheets:
        target = book.add_sheet(sheet.title)
        if sheet.sheet_state != "visible":
            target.visibility = 1
        values, merges = _grid(sheet)
        for (row, column), (rows, columns) in merges.items():
            target.write_merge(
                row - 1, row + rows - 2, column - 1, column + columns - 2, values.pop((row, column), "")
            )
        errors = {(c.row, c.column) for r in sheet.iter_rows() for c in r if c.data_type == "e"}
        for (row, column), value in values.items():
            if (row, column) in errors:
                target.row(row - 1).set_cell_error(column - 1, _XLS_ERRORS.get(value, value))
            else:
                target.write(row - 1, column - 1, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_ods(workbook: Workbook) -> bytes:
    document = OpenDocumentSpreadsheet()
    for sheet in workbook.worksheets:
        table = Table(name=sheet.title)
        values, merges = _grid(sheet)
        errors = {(c.row, c.column) for r in sheet.iter_rows() for c in r if c.data_type == "e"}
        covered = {
            (row + dr, column + dc)
            for (row, column), (rows, columns) in merges.items()
            for dr in range(rows)
            for dc in range(columns)
            if dr or dc
        }
        last_row = max((r for r, _c in [*values, *covered]), default=0)
        last_column = max((c for _r, c in [*values, *covered]), default=0)
        for row in range(1, last_row + 1):
            table_row = TableRow()
            for column in range(1, last_column + 1):
                if (row, column) in covered:
                    table_row.addElement(CoveredTableCell())
                    continue
                value = values.get((row, column))
                span = merges.get((row, column))
                extra = {"numbercolumnsspanned": span[1], "numberrowsspanned": span[0]} if span else {}
                if value is None:
                    cell = TableCell(**extra)
                elif (row, column) in errors:
                    cell = TableCell(formula="of:=1/0", valuetype="string", stringvalue="", **extra)
                    cell.setAttrNS(_CALCEXT, "value-type", "error")
                    cell.addElement(P(text=str(value)))
                elif isinstance(value, bool | str):
                    cell = TableCell(valuetype="string", **extra)
                    for line in str(value).split("\n"):
                        cell.addElement(P(text=line))
                else:
                    cell = TableCell(valuetype="float", value=value, **extra)
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def workbook_as(build, kind: str) -> bytes:
    """A workbook made by ``build(workbook)`` in ``kind`` ("xlsx", "xls", "ods")."""
    workbook = Workbook()
    build(workbook)
    return {"xlsx": as_xlsx, "xls": as_xls, "ods": as_ods}[kind](workbook)
