"""Workbooks from outside, read safely (writing is ``cchc.xlsx``'s).

Offices send .xlsx, .xlsm, .xls (Excel 97-2003) and .ods (LibreOffice).
All four are read by one reader, calamine (a Rust reader made for exactly
these formats, through ``python-calamine``), which only reads values: no
macro is ever run, and the VBA part of an .xlsm or .xls is never looked at.
The format is told from the file's first bytes, never from its name.

Before calamine sees a file it is checked:

- the zip formats (.xlsx, .xlsm, .ods) as archives: a bounded number of
  entries, a bounded total uncompressed size and compression ratio (a zip
  bomb is refused before it is inflated: ``zipfile`` itself stops reading an
  entry at its declared size, so the declared sizes are the ones that
  count), no encrypted entries, and no DTD in any XML part (defusedxml, so
  entity expansion and external entities never reach a parser);
- every format for its size (the upload limit) and its cells: calamine
  holds a sheet as a dense grid, so the grid a sheet spans (from its cell
  references in .xlsx, from its repeated rows and columns in .ods) is
  bounded before it is loaded, and the cells of the whole workbook after.

A formula counts for the value Excel last computed. calamine (0.9.1)
reads a formula saved without one, and an error value (#DIV/0!), as a
blank: its cell type for errors becomes the empty string it gives for an
empty cell, in every format, and it has no call that tells them apart. So
they are found where the file says so:

- .xlsx, .xlsm: in the sheet's XML (only in sheets that have formulas or
  errors at all): ``t="e"`` cells, and formulas without a ``<v>``;
- .ods: in content.xml, read anyway for the grid check: LibreOffice's
  ``calcext:value-type="error"`` cells (the text shown, "#DIV/0!" or
  "Err:502", is the value), and formulas without an ``office:value-type``;

and come back as ``ErrorValue`` and ``MissingCachedValue`` so that they are
reported, never read as blanks.

- .xls: **not found**. An error is a BOOLERR record, or a FORMULA record
  whose cached result is an error, inside the OLE2 file's Workbook stream;
  calamine gives them as blanks and nothing else installed reads BIFF
  records (reading the file a second time with xlrd would cost more than
  the import may take). An error cell of an .xls is read as a blank cell:
  its row is taken without it, and a blank clears the figure stored for
  that cell. The README says so.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import python_calamine
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as xml_fromstring
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from cchc import uploads

from .cells import ErrorValue, MissingCachedValue

# The archive limits (entries, sizes, ratio) are the upload gate's
# (``cchc.uploads``).
# The largest file read (the upload form's limit is smaller).
MAX_FILE_BYTES = 40 * 1024 * 1024
# The grid one sheet may span, and the cells a workbook may hold. A
# province's workbook is a few hundred thousand cells.
MAX_SHEET_CELLS = 2_000_000
MAX_CELLS = 5_000_000

XLSX, XLS, ODS = "xlsx", "xls", "ods"
#: The names an upload may have (its content decides how it is read).
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_CELL_REF = re.compile(rb'<c\s[^>]*?r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<row\s[^>]*?r="([0-9]{1,7})"')


class WorkbookError(ValueError):
    """A file that is refused before its cells are read; the message is
    for the user, in Vietnamese."""


def _not_a_workbook() -> WorkbookError:
    return WorkbookError(
        _(
            "Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls) hay LibreOffice (.ods), "
            "hoặc tệp bị hỏng (tệp .csv, .doc, .pdf không nhận)."
        )
    )


def _too_large() -> WorkbookError:
    return WorkbookError(
        _("Bảng tính quá lớn (trên %(n)s ô): không xử lý. Hãy bỏ các trang tính, dòng, cột thừa.")
        % {"n": f"{MAX_SHEET_CELLS:,}".replace(",", ".")}
    )


def check_archive(source) -> str:
    """Refuse zip bombs, encrypted parts and XML with a DTD, before parsing
    (the kernel's upload gate, ``cchc.uploads.check_archive``). Returns the
    format of the archive (``XLSX`` or ``ODS``)."""
    try:
        names = uploads.check_archive(source)
    except zipfile.BadZipFile:
        raise _not_a_workbook() from None
    except uploads.UploadRefused as error:
        raise WorkbookError(error.messages[0]) from None
    if "xl/workbook.xml" in names or any(name.endswith("workbook.xml") for name in names):
        return XLSX
    if "content.xml" in names:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            if "mimetype" not in names or archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return ODS
    raise WorkbookError(
        _("Tệp nén không phải là bảng tính (.xlsx, .xlsm hay .ods): có thể là tệp Word hay tệp zip.")
    )


# --- what calamine does not say: grids and formulas of the zip formats ------------------


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: its part in the archive}."""
    try:
        book = xml_fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
        rels = xml_fromstring(archive.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
    except (KeyError, DefusedXmlException, SyntaxError):
        raise _not_a_workbook() from None
    targets = {}
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id")] = path
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_REL}id"))
        if part is not None:
            parts[sheet.get("name")] = part
    return parts


def _too_many_rows(max_rows: int) -> WorkbookError:
    return WorkbookError(
        _(
            "Bảng tính có trên %(max)s dòng, nhiều hơn danh mục chỉ tiêu của các đơn vị "
            "bạn được nhập có thể cần: không xử lý. Hãy bỏ các dòng, trang tính thừa rồi tải lên lại."
        )
        % {"max": f"{max_rows:,}".replace(",", ".")}
    )


@dataclass
class _XlsxFacts:
    """Per sheet: the cells calamine reads as blanks that are not."""

    markers: dict[str, dict[int, dict[int, object]]]


def _check_xlsx(data: bytes) -> _XlsxFacts:
    markers: dict[str, dict[int, dict[int, object]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        for sheet, part in _xlsx_sheet_parts(archive).items():
            if part not in names:
                continue
            xml = archive.read(part)
            rows = [int(r) for r in _ROW_REF.findall(xml)]
            refs = _CELL_REF.findall(xml)
            if refs:
                rows.extend(int(r) for _c, r in refs)
                columns = max(_column_number(c) for c in {c for c, _r in refs})
            else:
                columns = 0
            # Cells without a reference follow the one before: bounded by
            # their count.
            columns = max(columns, 1) + xml.count(b"<c>")
            if max(rows, default=0) * columns > MAX_SHEET_CELLS:
                raise _too_large()
            if b"<f" in xml or b't="e"' in xml:
                markers[sheet] = _formula_markers(xml)
    return _XlsxFacts(markers)


def _formula_markers(xml: bytes) -> dict[int, dict[int, object]]:
    """{row: {column: marker}} of the formulas saved without a value and the
    error values of one sheet (1-based)."""
    found: dict[int, dict[int, object]] = {}
    for _event, element in iterparse(io.BytesIO(xml), events=("end",), forbid_dtd=True):
        if element.tag != f"{_MAIN}c":
            if element.tag == f"{_MAIN}row":
                element.clear()
            continue
        reference = element.get("r", "")
        match = re.fullmatch(r"([A-Z]{1,3})([0-9]+)", reference)
        if match:
            row, column = int(match.group(2)), _column_number(match.group(1).encode())
            formula = element.find(f"{_MAIN}f")
            value = element.find(f"{_MAIN}v")
            text = value.text if value is not None else None
            if element.get("t") == "e":
                found.setdefault(row, {})[column] = ErrorValue(text or "#N/A")
            elif formula is not None and not text:
                found.setdefault(row, {})[column] = MissingCachedValue("=" + (formula.text or ""))
    return found


def _check_ods(data: bytes, *, max_rows: int | None = None) -> dict[str, dict[int, dict[int, object]]]:
    """The grid each table of an .ods spans, counting repeated rows and
    columns, up to its last cell holding something; returns, per sheet,
    the error values and the formulas saved without a value
    ({row: {column: marker}}, 1-based), which calamine reads as blanks."""
    table, row, cell = f"{{{_TABLE}}}table", f"{{{_TABLE}}}table-row", f"{{{_TABLE}}}table-cell"
    covered = f"{{{_TABLE}}}covered-table-cell"
    rows_repeated = f"{{{_TABLE}}}number-rows-repeated"
    columns_repeated = f"{{{_TABLE}}}number-columns-repeated"
    value_type = f"{{{_OFFICE}}}value-type"
    calc_type = f"{{{_CALCEXT}}}value-type"
    formula_attribute = f"{{{_TABLE}}}formula"
    name_attribute = f"{{{_TABLE}}}name"
    markers: dict[str, dict[int, dict[int, object]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as stream:
        last_row = last_column = rows_before = 0
        row_index = column = 0
        row_has = False
        repeat = 1
        sheet = ""
        try:
            for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
                tag = element.tag
                if event == "start":
                    if tag == table:
                        rows_before += last_row
                        last_row = last_column = row_index = 0
                        sheet = element.get(name_attribute, "")
                    elif tag == row:
                        column, row_has = 0, False
                        repeat = int(element.get(rows_repeated, "1") or 1)
                    continue
                if tag in (cell, covered):
                    count = int(element.get(columns_repeated, "1") or 1)
                    kind = element.get(value_type)
                    formula = element.get(formula_attribute)
                    if element.get(calc_type) == "error" or (formula is not None and kind is None):
                        if (row_index + repeat) * (column + count) > MAX_SHEET_CELLS:
                            raise _too_large()
                        if element.get(calc_type) == "error":
                            text = " ".join("".join(element.itertext()).split())
                            marker: object = ErrorValue(text or "#N/A")
                        else:
                            marker = MissingCachedValue("=" + formula.removeprefix("of:").lstrip("="))
                        found = markers.setdefault(sheet, {})
                        for index in range(row_index + 1, row_index + repeat + 1):
                            for number in range(column + 1, column + count + 1):
                                found.setdefault(index, {})[number] = marker
                        row_has = True
                        last_column = max(last_column, column + count)
                    column += count
                    if kind is not None or len(element):
                        row_has = True
                        last_column = max(last_column, column)
                    element.clear()
                elif tag == row:
                    row_index += repeat
                    if row_has:
                        last_row = row_index
                    if last_row * last_column > MAX_SHEET_CELLS:
                        raise _too_large()
                    if max_rows is not None and rows_before + last_row > max_rows:
                        raise _too_many_rows(max_rows)
                    element.clear()
        except (SyntaxError, ValueError):
            raise WorkbookError(_("Tệp bị hỏng: không đọc được thành phần content.xml.")) from None
    return markers


# --- the workbook ---------------------------------------------------------------------


@dataclass
class SheetRows:
    title: str
    hidden: bool
    rows: Iterator[tuple[int, dict[int, object]]]


class Workbook:
    """An uploaded workbook, opened and checked: its sheets' rows as
    (row number, {column number: value}), both 1-based."""

    def __init__(self, book, kind: str, markers: dict | None = None, max_rows: int | None = None):
        self.book = book
        self.kind = kind
        self.markers = markers or {}
        self.cells = 0
        self.rows = 0
        self.max_rows = max_rows

    def close(self) -> None:
        self.book.close()

    def sheets(self) -> Iterator[SheetRows]:
        for metadata in self.book.sheets_metadata:
            if metadata.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            hidden = metadata.visible != python_calamine.SheetVisibleEnum.Visible
            yield SheetRows(title=metadata.name, hidden=hidden, rows=self._rows(metadata.name, hidden))

    def _rows(self, name: str, hidden: bool) -> Iterator[tuple[int, dict[int, object]]]:
        if hidden:
            return
        try:
            sheet = self.book.get_sheet_by_name(name)
        except python_calamine.CalamineError:
            raise WorkbookError(
                _("Tệp bị hỏng: không đọc được trang tính “%(sheet)s”.") % {"sheet": name}
            ) from None
        if sheet.height * sheet.width > MAX_SHEET_CELLS:
            raise _too_large()
        self.cells += sheet.height * sheet.width
        if self.cells > MAX_CELLS:
            raise _too_large()
        # An .xls is bounded here (its sheets are counted once loaded);
        # the zip formats were counted before they were opened.
        self.rows += sheet.height
        if self.max_rows is not None and self.rows > self.max_rows:
            raise _too_many_rows(self.max_rows)
        markers = dict(self.markers.get(name, {}))
        start = sheet.start
        if start is not None:
            first_row, first_column = start[0] + 1, start[1] + 1
            for index, cells in enumerate(sheet.to_python(skip_empty_area=True), start=first_row):
                values = {}
                for column, value in enumerate(cells, start=first_column):
                    if value == "":
                        continue
                    if value.__class__ is float and value.is_integer():
                        value = int(value)
                    values[column] = value
                if markers:
                    for earlier in sorted(row for row in markers if row < index):
                        yield earlier, markers.pop(earlier)
                    values.update(markers.pop(index, {}))
                if values:
                    yield index, values
        for row in sorted(markers):
            yield row, markers[row]


def detect_format(head: bytes) -> str:
    if head.startswith(_OLE2):
        return XLS
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    raise _not_a_workbook()


def _calamine_open(data: bytes):
    return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))


def open_workbook(source, *, max_rows: int | None = None) -> Workbook:
    """A checked workbook. ``source`` is a path, bytes or a file object.
    With ``max_rows``, a workbook of more rows (all sheets together) is
    refused before its cells are read."""
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    elif hasattr(source, "read"):
        source.seek(0)
        source = source.read()
    data = bytes(source)
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(
            _("Tệp quá lớn (trên %(mb)s MB): không xử lý.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    kind = detect_format(data[:8])
    markers = None
    if kind == "zip":
        kind = check_archive(io.BytesIO(data))
        if kind == XLSX:
            if max_rows is not None:
                try:
                    uploads.xlsx_rows_within(data, max_rows)
                except uploads.UploadRefused:
                    raise _too_many_rows(max_rows) from None
            markers = _check_xlsx(data).markers
        else:
            markers = _check_ods(data, max_rows=max_rows)
    try:
        book = _calamine_open(data)
    except python_calamine.PasswordError:
        raise WorkbookError(
            _("Tệp được mã hóa hoặc đặt mật khẩu: hãy bỏ mật khẩu rồi tải lên lại.")
        ) from None
    except Exception:
        raise WorkbookError(
            _("Tệp bảng tính bị hỏng hoặc không đúng định dạng (.xlsx, .xlsm, .xls, .ods).")
        ) from None
    return Workbook(book, kind, markers, max_rows=max_rows)


def iter_sheets(workbook: Workbook) -> Iterator[SheetRows]:
    """Each worksheet's rows as (row number, {column number: value}); only
    cells that hold something are given."""
    yield from workbook.sheets()
