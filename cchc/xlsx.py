"""The one safe way to write a cell of a workbook we hand out.

Text that a spreadsheet would run as a formula (it starts with "=", "+",
"-", "@", a tab or a carriage return: unit names, findings and figures'
notes are typed, or pasted, by people) is stored as text with Excel's quote
prefix, so that it stays text even when the cell is edited. Characters an
XML file cannot hold are dropped and text is cut at Excel's limit per cell.
Numbers, dates and blanks are written as they are.

Every export (indicator tables, dashboard tables) writes through
``write_cell`` (``write_only_cell`` in a write-only workbook). Reading an
upload: ``open_upload`` (the kernel's imports, such as people); the
indicators app has its own reader (``indicators.xlsx``).
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import TYPE_STRING

ILLEGAL_XML = re.compile(r"[^\u0020-\uD7FF\u0009\u000A\u000D\uE000-\uFFFD\U00010000-\U0010FFFF]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit per cell is 32,767 characters.
MAX_TEXT = 32_000


def clean_text(value: str) -> str:
    """``value`` without the characters XML cannot hold, cut to ``MAX_TEXT``."""
    return ILLEGAL_XML.sub("", value)[:MAX_TEXT]


def write_cell(sheet, row: int, column: int, value, style: str | None = None):
    """Write ``value`` in a cell (with the named ``style``): text is always
    text, never a formula. Returns the cell."""
    cell = sheet.cell(row=row, column=column)
    if style:
        # First: a named style replaces the whole cell style, quote prefix included.
        cell.style = style
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        if text.startswith(FORMULA_START):
            cell.data_type = TYPE_STRING
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def write_only_cell(sheet, value):
    """``write_cell`` for a sheet of a write-only workbook (long lists, such
    as the audit trail's export, appended row by row): a cell to append,
    text always text."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        if text.startswith(FORMULA_START):
            cell.data_type = TYPE_STRING
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


# --- reading an uploaded workbook (the kernel's; the indicators app has its own) ---


class UploadError(ValueError):
    """An upload the kernel refuses to open, with a message for the user."""


def open_upload(source, *, max_rows: int | None = None):
    """Open an uploaded .xlsx safely: refuse what is not a workbook, an
    encrypted part, a zip bomb or XML with a DTD (the upload gate's
    ``check_archive``), then open it read-only with cached values (no
    formula is evaluated). With ``max_rows``, a workbook of more rows is
    refused before it is parsed."""
    import zipfile

    from django.utils.translation import gettext as _
    from openpyxl import load_workbook

    from .uploads import UploadRefused, check_archive, xlsx_rows_within

    try:
        names = check_archive(source)
    except zipfile.BadZipFile:
        raise UploadError(_("Tệp không phải là bảng tính Excel (.xlsx).")) from None
    except UploadRefused as error:
        raise UploadError(error.messages[0]) from None
    if "xl/workbook.xml" not in names:
        raise UploadError(_("Tệp không phải là bảng tính Excel (.xlsx)."))
    if max_rows is not None:
        source.seek(0)
        try:
            xlsx_rows_within(source.read(), max_rows)
        except UploadRefused as error:
            raise UploadError(error.messages[0]) from None
    source.seek(0)
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise UploadError(
            _("Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng .xlsx.")
        ) from None
