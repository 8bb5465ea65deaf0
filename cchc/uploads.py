"""The one gate every uploaded file passes before it is kept or read.

``upload_check(file, purpose=...)`` reads the type from the content (never
the name or the browser's claim), then checks what that type can hide:

- an Office file (.docx, .xlsx, .xlsm, .ods) as a zip archive, before
  anything is inflated: a bounded number of entries, a bounded size of each
  entry and of them all, a bounded compression ratio (a zip bomb is refused
  unopened: ``zipfile`` stops reading an entry at its declared size, so the
  declared sizes are the ones that count), no encrypted entry; and no DTD,
  so no entity, in any XML part of it (defusedxml, up to each part's root
  element: a DTD can stand nowhere else);
- a spreadsheet given as evidence must hold no formula and no macro: a
  formula runs again when the reviewer opens the file (and can reach
  outside: WEBSERVICE, external links, DDE), and its cached value can say
  anything; the unit pastes the values (``Dán giá trị``) and sends that;
- an image is decoded and encoded again (Pillow), so its metadata and any
  bytes appended after it (a script, an archive) are dropped, and its size
  in pixels is bounded before it is decoded;
- a PDF is parsed (pyHanko's reader, strict) and its objects walked: no
  JavaScript, no launch action, no embedded file unless the purpose allows
  them; an encrypted PDF cannot be looked into and is refused.

The stored and downloaded name always takes the extension of the detected
type (``anh.html`` holding a PNG is ``anh.png``), and every download goes
out with ``attachment_headers`` (``no-store``, ``nosniff``, attachment).

Purposes (``PURPOSES``) say which types a use accepts and what it allows;
a refusal is a ``ValidationError`` naming the file and the reason in
Vietnamese. Workbook readers (``indicators.xlsx``, ``cchc.xlsx.open_upload``)
run the archive checks through ``check_archive`` before they parse.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
XLS = "application/vnd.ms-excel"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
JPEG = "image/jpeg"
PNG = "image/png"

LABELS = {
    PDF: "PDF",
    DOCX: "DOCX",
    XLSX: "XLSX",
    XLSM: "XLSM",
    XLS: "XLS",
    ODS: "ODS",
    JPEG: "JPEG",
    PNG: "PNG",
}
SUFFIXES = {
    PDF: "pdf",
    DOCX: "docx",
    XLSX: "xlsx",
    XLSM: "xlsm",
    XLS: "xls",
    ODS: "ods",
    JPEG: "jpg",
    PNG: "png",
}
DOCUMENT_TYPES = (PDF, DOCX)
EVIDENCE_TYPES = (PDF, DOCX, XLSX, JPEG, PNG)
WORKBOOK_TYPES = (XLSX, XLSM, XLS, ODS)

# Archive limits. A province's workbook is a few hundred entries and some
# megabytes of XML; Office XML compresses 5 to 30 times, bombs a thousand.
ZIP_MAX_ENTRIES = 3000
ZIP_MAX_ENTRY = 100 * 1024 * 1024
ZIP_MAX_UNCOMPRESSED = 150 * 1024 * 1024
ZIP_MAX_RATIO = 120
# Tiny parts can have odd ratios; the ratio is only checked above this size.
ZIP_RATIO_FROM = 512 * 1024
# Pixels an image may have (a phone photo is 12-50 million).
IMAGE_MAX_PIXELS = 60_000_000
# PDF objects walked at most (a 300-page report has some tens of thousands).
PDF_MAX_OBJECTS = 500_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_FORMULA = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f[\s>/]")
_ODS_FORMULA = re.compile(rb"table:formula=")


class UploadRefused(ValidationError):
    """A file the gate refuses; ``messages[0]`` is the reason, for the user."""


@dataclass(frozen=True)
class Purpose:
    """What a use of uploads accepts."""

    key: str
    types: tuple[str, ...]
    #: spreadsheets may hold formulas (read for their cached values) and macros
    #: (never run): only for imports, which read values and keep nothing live
    formulas: bool = False
    #: a PDF may carry embedded files
    embedded_files: bool = False


EVIDENCE = Purpose("evidence", EVIDENCE_TYPES)
REPORT_DOCUMENT = Purpose("report_document", DOCUMENT_TYPES)
INDICATOR_WORKBOOK = Purpose("indicator_workbook", WORKBOOK_TYPES, formulas=True)
PEOPLE_WORKBOOK = Purpose("people_workbook", (XLSX,), formulas=True)
SIGNED_PDF = Purpose("signed_pdf", (PDF,))
PURPOSES = {p.key: p for p in (EVIDENCE, REPORT_DOCUMENT, INDICATOR_WORKBOOK, PEOPLE_WORKBOOK, SIGNED_PDF)}


@dataclass(frozen=True)
class CheckedUpload:
    """A file the gate accepted: what to store (``data``: an image is the
    re-encoded one) under ``name`` (the upload's name with the extension of
    ``content_type``)."""

    name: str
    content_type: str
    data: bytes
    size: int
    sha256: str

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.content_type]

    def as_file(self) -> ContentFile:
        return ContentFile(self.data, name=f"upload.{self.suffix}")


# --- names and downloads -------------------------------------------------------------


def stored_name(original: str, content_type: str) -> str:
    """``original`` without its folders and control characters, with the
    extension of ``content_type`` (``anh.html`` holding a PNG → ``anh.png``)."""
    base = PurePosixPath((original or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    stem = base.rsplit(".", 1)[0].strip(" .") if "." in base else base.strip(" .")
    suffix = SUFFIXES.get(content_type)
    stem = (stem or "tep")[: 250 - len(suffix or "")]
    return f"{stem}.{suffix}" if suffix else stem


def attachment_headers(response, *, name: str | None = None):
    """Headers every file download sends: never cached by a browser or a
    proxy, never sniffed into another type, saved rather than opened (with
    ``name`` when given)."""
    from django.utils.http import content_disposition_header

    if name is not None:
        response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- type from content ---------------------------------------------------------------


def _read_all(upload) -> bytes:
    if isinstance(upload, bytes | bytearray | memoryview):
        return bytes(upload)
    upload.seek(0)
    if hasattr(upload, "chunks"):
        data = b"".join(upload.chunks())
    else:
        data = upload.read()
    upload.seek(0)
    return data


def detect(data: bytes) -> str | None:
    """The content type from the first bytes (an archive's after
    ``check_archive``); ``None`` when it is none the gate knows."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(_OLE2):
        return XLS
    if data.startswith(b"PK\x03\x04"):
        try:
            names = check_archive(io.BytesIO(data))
        except zipfile.BadZipFile:
            return None
        return _office_type(names, data)
    return None


def _office_type(names: set[str], data: bytes) -> str | None:
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names or any(n.endswith("/workbook.xml") for n in names):
            return XLSM if "xl/vbaProject.bin" in names else XLSX
        return None
    if "content.xml" in names:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "mimetype" not in names or archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return ODS
    return None


# --- archives --------------------------------------------------------------------------


def check_archive(source) -> set[str]:
    """Refuse a zip bomb, an encrypted entry and XML with a DTD, before
    anything is inflated; the names of the entries. ``BadZipFile`` when it
    is no archive at all."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, ValueError):
        raise zipfile.BadZipFile from None
    with archive:
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            raise UploadRefused(
                _("Tệp có quá nhiều thành phần (%(n)s, tối đa %(max)s): không xử lý.")
                % {"n": len(entries), "max": ZIP_MAX_ENTRIES}
            )
        total = 0
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise UploadRefused(_("Tệp được mã hóa hoặc đặt mật khẩu: hãy bỏ mật khẩu rồi tải lên lại."))
            total += entry.file_size
            if entry.file_size > ZIP_MAX_ENTRY or total > ZIP_MAX_UNCOMPRESSED:
                raise UploadRefused(
                    _("Tệp khi giải nén quá lớn (trên %(mb)s MB): không xử lý.")
                    % {"mb": ZIP_MAX_UNCOMPRESSED // (1024 * 1024)}
                )
            if entry.file_size >= ZIP_RATIO_FROM and entry.file_size > ZIP_MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise UploadRefused(
                    _(
                        "Thành phần %(name)s nén bất thường (tỉ lệ trên "
                        "%(ratio)s lần), có thể là “bom zip”: không xử lý."
                    )
                    % {"name": entry.filename, "ratio": ZIP_MAX_RATIO}
                )
        for entry in entries:
            if not entry.is_dir():
                _check_xml_part(archive, entry)
        return {entry.filename for entry in entries}


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


def _check_xml_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Parse an entry that is XML (whatever its name says) up to its root
    element with DTDs forbidden: a DTD, and so any entity declaration, can
    stand only before the root element, so this refuses every entity
    expansion and external entity without parsing the whole part."""
    with archive.open(entry) as stream:
        head = stream.read(2048)
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return  # not XML (an image, a binary part)
        parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
        try:
            chunk = head
            while chunk:
                parser.feed(chunk)
                chunk = stream.read(8192)
            parser.close()
        except _RootReached:
            return
        except DefusedXmlException:
            raise UploadRefused(
                _(
                    "Tệp chứa khai báo XML không được phép (DTD, thực thể) trong %(name)s: "
                    "không xử lý vì lý do an toàn."
                )
                % {"name": entry.filename}
            ) from None
        except Exception:
            raise UploadRefused(
                _("Tệp bị hỏng: không đọc được thành phần %(name)s.") % {"name": entry.filename}
            ) from None


_EXTERNAL_TARGET = re.compile(rb"<Relationship\b[^>]*>", re.S)


def _active_parts(data: bytes) -> str | None:
    """What in an Office file reaches outside or runs when it is opened: a
    macro project, an ActiveX control, an embedded OLE object, or a
    relationship to an outside target other than a hyperlink (a remote
    template, external data); ``None`` when there is none."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            name = entry.filename.lower()
            if name.endswith("vbaproject.bin"):
                return _("macro (VBA)")
            if "/activex/" in name:
                return _("điều khiển ActiveX")
            # A chart's data is an .xlsx package under embeddings: kept; an
            # OLE object (.bin) can be a program.
            if "/embeddings/" in name and name.endswith(".bin"):
                return _("đối tượng nhúng (OLE)")
            if name.endswith(".rels"):
                for tag in _EXTERNAL_TARGET.findall(archive.read(entry)):
                    if b'TargetMode="External"' in tag and not re.search(rb'Type="[^"]*/hyperlink"', tag):
                        return _("liên kết tới tệp hoặc dữ liệu bên ngoài")
    return None


def _has_formula(data: bytes, content_type: str) -> bool:
    """Whether a sheet of the workbook holds a formula (read in chunks)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            name = entry.filename
            if content_type == ODS:
                if name != "content.xml":
                    continue
                pattern = _ODS_FORMULA
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                pattern = _FORMULA
            elif name.startswith("xl/externalLinks/"):
                return True
            else:
                continue
            with archive.open(entry) as stream:
                tail = b""
                while chunk := stream.read(256 * 1024):
                    if pattern.search(tail + chunk):
                        return True
                    tail = chunk[-32:]
    return False


_ROW_START = re.compile(rb"<(?:[A-Za-z0-9_]+:)?row[\s>/]")


def xlsx_rows_within(data: bytes, max_rows: int) -> int:
    """The rows of every worksheet of an .xlsx, counted from the sheets' XML
    as it is inflated, a chunk at a time; ``UploadRefused`` as soon as they
    pass ``max_rows``. A cell bomb (hundreds of thousands of rows in a few
    megabytes, which every archive check lets through) never reaches a
    parser, and the cost is at most reading ``max_rows`` rows of XML."""
    rows = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if not (entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml")):
                continue
            with archive.open(entry) as stream:
                carried = b""
                while chunk := stream.read(256 * 1024):
                    buffer = carried + chunk
                    # A row tag starts at the last "<" at the latest: carried
                    # over, no tag is split or counted twice.
                    cut = buffer.rfind(b"<")
                    cut = len(buffer) if cut < 0 else cut
                    rows += len(_ROW_START.findall(buffer, 0, cut))
                    carried = buffer[cut:]
                    if rows > max_rows:
                        break
                else:
                    rows += len(_ROW_START.findall(carried + b" "))
            if rows > max_rows:
                raise UploadRefused(
                    _("Bảng tính có trên %(max)s dòng: không xử lý. Hãy bỏ các dòng, trang tính thừa.")
                    % {"max": f"{max_rows:,}".replace(",", ".")}
                )
    return rows


# --- images ----------------------------------------------------------------------------


def _reencode_image(data: bytes, content_type: str) -> bytes:
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise UploadRefused(
                    _("Ảnh quá lớn (%(w)s × %(h)s điểm ảnh): hãy thu nhỏ ảnh rồi tải lên lại.")
                    % {"w": width, "h": height}
                )
            image.load()
            if content_type == JPEG:
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, "JPEG", quality=90)
            else:
                out = io.BytesIO()
                image.save(out, "PNG")
    except UploadRefused:
        raise
    except Exception:  # Pillow raises many kinds on a broken or hostile image
        raise UploadRefused(_("Ảnh bị hỏng hoặc không đọc được.")) from None
    return out.getvalue()


# --- PDFs ------------------------------------------------------------------------------

_PDF_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "launch",
    "/ImportData": "import",
    "/RichMedia": "rich media",
}


def _check_pdf(data: bytes, *, embedded_files: bool) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise UploadRefused(_("Tệp PDF được mã hóa hoặc đặt mật khẩu: hãy bỏ mật khẩu rồi tải lên lại."))
        stack = [reader.trailer.flatten()]
        seen: set[tuple[int, int]] = set()
        walked = 0
        while stack:
            item = stack.pop()
            walked += 1
            if walked > PDF_MAX_OBJECTS:
                raise UploadRefused(_("Tệp PDF có quá nhiều đối tượng: không xử lý."))
            if isinstance(item, generic.IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                item = item.get_object()
            if isinstance(item, generic.DictionaryObject):
                for name, value in _raw_items(item):
                    if name in ("/JS", "/JavaScript"):
                        raise _pdf_refused("JavaScript")
                    if name == "/S" and value in _PDF_ACTIONS:
                        raise _pdf_refused(_PDF_ACTIONS[value])
                    if name in ("/Launch", "/RichMedia"):
                        raise _pdf_refused(name[1:])
                    if not embedded_files and (name in ("/EmbeddedFiles", "/EF") or value == "/EmbeddedFile"):
                        raise UploadRefused(
                            _("Tệp PDF có tệp đính kèm bên trong: hãy bỏ tệp đính kèm rồi tải lên lại.")
                        )
                    stack.append(value)
            elif isinstance(item, generic.ArrayObject):
                stack.extend(item)
    except UploadRefused:
        raise
    except Exception:  # the reader raises many kinds on a broken file
        raise UploadRefused(_("Tệp PDF bị hỏng hoặc không đọc được.")) from None


def _raw_items(dictionary):
    """(key, value) with indirect values kept as references, so the walk
    follows each object once."""
    for key in list(dictionary.keys()):
        yield key, dictionary.raw_get(key)


def _pdf_refused(what: str) -> UploadRefused:
    return UploadRefused(
        _("Tệp PDF chứa %(what)s (mã chạy khi mở tệp): không nhận vì lý do an toàn.") % {"what": what}
    )


# --- the gate --------------------------------------------------------------------------


def _refused(name: str, reason: str) -> UploadRefused:
    return UploadRefused(_("Tệp “%(name)s” bị từ chối: %(reason)s") % {"name": name, "reason": reason})


def upload_check(
    upload, *, purpose: Purpose | str, used_bytes: int = 0, name: str | None = None
) -> CheckedUpload:
    """Check one uploaded file for ``purpose`` (a ``Purpose`` or its key);
    the ``CheckedUpload`` to store, or ``UploadRefused`` naming the file and
    the reason. ``used_bytes`` counts what the same record already holds
    (a report's files), against ``CCHC_UPLOAD_MAX_REPORT_MB``."""
    rule = PURPOSES[purpose] if isinstance(purpose, str) else purpose
    name = name if name is not None else getattr(upload, "name", "") or ""
    size = len(upload) if isinstance(upload, bytes | bytearray) else upload.size
    limit = settings.CCHC_UPLOAD_MAX_FILE_MB * 1024 * 1024
    if size > limit:
        raise UploadRefused(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(limit)s MB mỗi tệp.")
            % {"name": name, "size": round(size / 1024 / 1024, 1), "limit": settings.CCHC_UPLOAD_MAX_FILE_MB}
        )
    if used_bytes + size > settings.CCHC_UPLOAD_MAX_REPORT_MB * 1024 * 1024:
        raise UploadRefused(
            _("Không thêm được tệp “%(name)s”: tổng dung lượng của báo cáo vượt quá %(limit)s MB.")
            % {"name": name, "limit": settings.CCHC_UPLOAD_MAX_REPORT_MB}
        )
    data = _read_all(upload)
    try:
        content_type = detect(data)
    except UploadRefused as error:
        raise _refused(name, error.messages[0]) from None
    if content_type not in rule.types:
        raise UploadRefused(
            _("Tệp “%(name)s” không đúng định dạng cho phép (%(types)s) theo nội dung tệp.")
            % {"name": name, "types": ", ".join(LABELS[t] for t in rule.types)}
        )
    try:
        if content_type in (PNG, JPEG):
            data = _reencode_image(data, content_type)
        elif content_type == PDF:
            _check_pdf(data, embedded_files=rule.embedded_files)
        elif content_type in (DOCX, XLSX) and not rule.formulas and (found := _active_parts(data)):
            raise UploadRefused(
                _("tệp có %(what)s, có thể chạy hoặc tải nội dung khi mở: không nhận vì lý do an toàn.")
                % {"what": found}
            )
        if content_type in (XLSX, ODS) and not rule.formulas and _has_formula(data, content_type):
            raise UploadRefused(
                _(
                    "bảng tính có công thức. Hãy sao chép và “Dán giá trị” (Paste values) "
                    "rồi lưu lại, để người xem thấy đúng số liệu đã gửi."
                )
            )
    except UploadRefused as error:
        raise _refused(name, error.messages[0]) from None
    return CheckedUpload(
        name=stored_name(name, content_type),
        content_type=content_type,
        data=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
