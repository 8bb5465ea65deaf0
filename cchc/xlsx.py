"""The one safe way to write a cell of a workbook we hand out.

Text that a spreadsheet would run as a formula (it starts with "=", "+",
"-", "@", a tab or a carriage return: unit names, findings and figures'
notes are typed, or pasted, by people) is stored as text with Excel's quote
prefix, so that it stays text even when the cell is edited. Characters an
XML file cannot hold are dropped and text is cut at Excel's limit per cell.
Numbers, dates and blanks are written as they are.

Every export (indicator tables, dashboard tables) writes through
``write_cell``; reading uploaded workbooks is ``indicators.xlsx``'s concern.
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
