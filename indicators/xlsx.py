"""Workbooks from outside, read safely (writing is ``cchc.xlsx``'s).

An uploaded .xlsx is a zip of XML parts, so before openpyxl parses
anything the archive is checked: a bounded number of entries, a bounded
total uncompressed size and compression ratio (a zip bomb is refused before
it is inflated: ``zipfile`` itself stops reading an entry at its declared
size, so the declared sizes are the ones that count), no encrypted entries,
and no DTD in any XML part (defusedxml, so entity expansion and external
entities never reach a parser). openpyxl then reads with defusedxml too (it
uses it whenever it is installed).

Cells are read in openpyxl's read-only mode with cached values
(``data_only``): a formula counts for the value Excel last computed, and a
formula saved without one comes back as ``MissingCachedValue`` so that it
is reported, never read as a blank.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from .cells import ErrorValue, MissingCachedValue

# Limits for uploaded workbooks. A province-wide workbook of 200 units is a
# few hundred entries and some megabytes uncompressed.
MAX_ENTRIES = 3000
MAX_UNCOMPRESSED = 150 * 1024 * 1024
MAX_ENTRY_UNCOMPRESSED = 100 * 1024 * 1024
# Spreadsheet XML compresses 5 to 30 times; bombs compress a thousand times.
MAX_RATIO = 120
# Tiny parts can have odd ratios; the ratio is only checked above this size.
RATIO_CHECKED_FROM = 512 * 1024


class WorkbookError(ValueError):
    """A file that is refused before its cells are read; the message is
    for the user, in Vietnamese."""


def _open_zip(source) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookError(
            _(
                "Tệp không phải là tệp Excel .xlsx (có thể là tệp .xls "
                "cũ, .csv hoặc tệp hỏng). Hãy lưu lại dạng .xlsx."
            )
        ) from None


def check_archive(source) -> None:
    """Refuse zip bombs, encrypted parts and XML with a DTD, before parsing."""
    archive = _open_zip(source)
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise WorkbookError(
                _("Tệp có quá nhiều thành phần (%(n)s, tối đa %(max)s): không xử lý.")
                % {"n": len(entries), "max": MAX_ENTRIES}
            )
        total = 0
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise WorkbookError(_("Tệp được mã hóa hoặc đặt mật khẩu: hãy bỏ mật khẩu rồi tải lên lại."))
            total += entry.file_size
            if entry.file_size > MAX_ENTRY_UNCOMPRESSED or total > MAX_UNCOMPRESSED:
                raise WorkbookError(
                    _("Tệp khi giải nén quá lớn (trên %(mb)s MB): không xử lý.")
                    % {"mb": MAX_UNCOMPRESSED // (1024 * 1024)}
                )
            if entry.file_size >= RATIO_CHECKED_FROM and entry.file_size > MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise WorkbookError(
                    _(
                        "Thành phần %(name)s nén bất thường (tỉ lệ trên "
                        "%(ratio)s lần), có thể là “bom zip”: không xử lý."
                    )
                    % {"name": entry.filename, "ratio": MAX_RATIO}
                )
        if "xl/workbook.xml" not in archive.namelist() and not any(
            name.endswith("workbook.xml") for name in archive.namelist()
        ):
            raise WorkbookError(_("Tệp không phải là bảng tính Excel (.xlsx)."))
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels", ".vml")):
                _check_xml_prolog(archive, entry)


class _RootReached(Exception):
    """The root element started: the prolog is over."""


class _StopAtRoot:
    def start(self, tag, attrib):
        raise _RootReached

    def end(self, tag):
        pass

    def data(self, data):
        pass

    def close(self):
        return None


def _check_xml_prolog(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Parse up to the root element with DTDs and entities forbidden
    (defusedxml). A DTD, and so any entity declaration, can only come before
    the root element, so this refuses every entity-expansion and
    external-entity attack without parsing the whole part."""
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    with archive.open(entry) as stream:
        try:
            while chunk := stream.read(2048):
                parser.feed(chunk)
            parser.close()
        except _RootReached:
            return
        except DefusedXmlException:
            raise WorkbookError(
                _(
                    "Tệp chứa khai báo XML không được phép (DTD, thực thể) trong %(name)s: "
                    "không xử lý vì lý do an toàn."
                )
                % {"name": entry.filename}
            ) from None
        except Exception:
            raise WorkbookError(
                _("Tệp bị hỏng: không đọc được thành phần %(name)s.") % {"name": entry.filename}
            ) from None


def open_workbook(source):
    """A read-only workbook with cached formula values, after the checks.
    ``source`` is a path or bytes."""
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    elif isinstance(source, str | Path):
        source = Path(source)
    check_archive(source)
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        return load_workbook(source, read_only=True, data_only=True, keep_links=False)
    except WorkbookError:
        raise
    except Exception:
        raise WorkbookError(_("Tệp Excel bị hỏng hoặc không đúng định dạng .xlsx.")) from None


class _CachedValueParser(WorkSheetParser):
    """openpyxl's sheet parser, telling a formula without a cached value
    (and an error value) apart from a blank cell."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and self.data_only:
            formula = element.find(FORMULA_TAG)
            if formula is not None:
                cell["value"] = MissingCachedValue("=" + (formula.text or ""))
        elif cell["data_type"] == "e":
            cell["value"] = ErrorValue(str(cell["value"]))
        return cell


@dataclass
class SheetRows:
    title: str
    hidden: bool
    rows: Iterator[tuple[int, dict[int, object]]]


def iter_sheets(workbook) -> Iterator[SheetRows]:
    """Each worksheet's rows as (row number, {column number: value}); only
    cells that hold something are given."""
    for worksheet in workbook.worksheets:
        yield SheetRows(
            title=worksheet.title,
            hidden=worksheet.sheet_state != "visible",
            rows=_rows(workbook, worksheet),
        )


def _rows(workbook, worksheet) -> Iterator[tuple[int, dict[int, object]]]:
    # openpyxl 3.1's read-only worksheet reads through the same parser; the
    # subclass only adds the two markers above (tests read real files).
    with worksheet._get_source() as source:
        parser = _CachedValueParser(
            source,
            workbook.shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for index, cells in parser.parse():
            values = {cell["column"]: cell["value"] for cell in cells if cell["value"] is not None}
            if values:
                yield index, values
