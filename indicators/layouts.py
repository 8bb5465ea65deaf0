"""Reading indicator tables from the workbooks offices fill.

One reader takes every layout the app accepts, since they are all the same
table with more or less around it:

- the official layout offices already fill: title rows ("Phụ lục 03: Thống
  kê các chỉ tiêu ..."), a header row "STT | Chỉ tiêu | Giai đoạn 2015 -
  2020" with the merged period header above one column per year or period
  ("Năm 2016", "Năm 2020 (Tính đến 31/3)"; a year over a part of it,
  "Năm 2020" over "Năm 2020 (Tính đến 31/3)", only groups it), then one
  row per indicator. A sheet may hold several appendices one under the
  other, and the header may repeat where a printed page ended; a name
  broken over two rows is joined;
- the app's own template (the same table, with "Mã đơn vị: ..." in its
  title rows and a column of hints);
- a province-wide workbook: one sheet per unit (named by the unit's code or
  name, or with its "Mã đơn vị" line), or one long sheet with a "Mã đơn vị"
  column (and a "Phụ lục" column when several appendices share it).

Rows are matched to the catalogue by number and name, tolerating what real
sheets have: "1." for "1", extra spaces and line breaks, a name typed
without diacritics or abbreviated ("trả kq"), a misnumbered row whose name
matches ("4." for "6. Tiếp nhận và xử lý PAKN"). Columns are matched to
periods by their header text.

The reader only locates cells: it gives, for each unit and period, the raw
value of each indicator with the sheet, row and column it came from, and
lists the problems of structure (an unknown row with figures in it, a sheet
whose unit is unknown, a column whose header names no period, the same cell
given twice). Values are read and checked by the import resource.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from rapidfuzz import fuzz

from cchc.models import Unit
from cchc.text import fold

from .models import Indicator, IndicatorAlias, IndicatorTemplate
from .periods import Period, PeriodError, period_from_header
from .xlsx import iter_sheets

SUMMARY_SHEET_PREFIX = "tong hop"
_NOTE_HEADERS = ("ghi chu",)
_IGNORED_HEADERS = (
    "ghi chu",
    "cach ghi",
    "huong dan",
    "don vi tinh",
    "dvt",
    "ten don vi",
    "don vi",
    "nguon",
)
_STT_HEADERS = {"stt", "so tt", "tt", "so thu tu"}
_NAME_HEADERS = {
    "chi tieu",
    "noi dung",
    "ten chi tieu",
    "chi tieu thong ke",
    "noi dung chi tieu",
    "cac chi tieu",
}
_UNIT_LINE = re.compile(r"ma (?:don vi|dv)\s*[:.]?\s*([0-9a-z._-]+)")
_NAME_SIMILAR = 0.8
# A row found by its name alone (its number is wrong or missing) needs a
# closer match, and one clear of the next best.
_NAME_SAME = 0.86
_NAME_MARGIN = 0.04
# What ends a table: the signature block, notes, the date line.
_SIGNATURE = re.compile(
    r"^(?:nguoi lap bieu|nguoi lap|nguoi ghi|thu truong don vi|thu truong co quan|lanh dao don vi|"
    r"ke toan|xac nhan cua|(?:tm|kt|q|tl|tuq)\s*\.|chu tich|pho chu tich|giam doc|pho giam doc|"
    r"truong phong|chanh van phong|\(?ky\b.*ten|\(?ky,)"
)
_DATE_LINE = re.compile(r"\bngay\s*\S{0,4}\s*thang\s*\S{0,4}\s*nam\s*\S{0,6}$")
_NOTE_LINE = re.compile(r"^(?:ghi chu|chu thich|luu y|nguon so lieu|\*)")
_FOOTNOTE = re.compile(r"^\s*(?:\(\d{1,2}\)|\d{1,2}/|\[\d{1,2}\])\s*\D")
_COLUMN_NUMBER = re.compile(r"^\s*\(?\s*(\d{1,2}|[a-z])\s*\)?\s*$", re.IGNORECASE)


_SPACES = re.compile(r"\s+")
_NUMBERED = re.compile(r"^\s*[0-9IVXivx]")
_STARTS_WITH_DIGIT = re.compile(r"^\s*\d")


def _shown(values: dict) -> str:
    """A row's text as a note quotes it."""
    return " ".join(" ".join(str(v).split()) for _c, v in sorted(values.items()))[:80]


def _may_sign(value) -> bool:
    """Whether a cell can be a line of a signature block: text that does not
    start with a figure (a fraction, "/") — the check that saves folding
    every figure of a table."""
    if not isinstance(value, str):
        return False
    text = value.lstrip()
    return bool(text) and not text[0].isdigit() and text[0] != "/"


class Location(NamedTuple):
    """Where a cell is in the file (a tuple: there is one per cell read)."""

    sheet: str
    row: int
    column: int
    header: str = ""

    @property
    def column_letter(self) -> str:
        return get_column_letter(self.column)

    def __str__(self):
        where = _("Trang tính “%(sheet)s”, dòng %(row)s, cột %(col)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "col": self.column_letter,
        }
        return f"{where} ({self.header})" if self.header else where


def _location(sheet: str, row: int, column: int, header: str) -> Location:
    """A ``Location``, made without the keyword handling of its constructor
    (there is one per cell read)."""
    return tuple.__new__(Location, (sheet, row, column, header))


@dataclass
class Problem:
    """A problem or a note, where it is in the file, in Vietnamese."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: int | None = None
    header: str = ""

    @property
    def where(self) -> str:
        if not self.sheet:
            return _("Tệp")
        parts = [_("Trang tính “%(sheet)s”") % {"sheet": self.sheet}]
        if self.row:
            parts.append(_("dòng %(row)s") % {"row": self.row})
        if self.column:
            column = _("cột %(col)s") % {"col": get_column_letter(self.column)}
            parts.append(f"{column} ({self.header})" if self.header else column)
        return ", ".join(parts)

    def as_dict(self) -> dict:
        return {
            "where": self.where,
            "message": self.message,
            "sheet": self.sheet,
            "row": self.row,
            "column": get_column_letter(self.column) if self.column else "",
        }

    def __str__(self):
        return f"{self.where}: {self.message}"


@dataclass
class NameMatch:
    """A row whose name is not the catalogue's, taken for an indicator: with
    its STT (a note), or by its name alone (a warning to acknowledge, after
    which the name is remembered as an alias)."""

    location: Location
    typed: str
    folded: str
    indicator: Indicator
    score: int
    needs_acknowledgement: bool

    @property
    def signature(self) -> str:
        return f"name|{self.indicator.template_id}|{self.indicator.pk}|{self.folded}"

    def as_dict(self) -> dict:
        return {
            "where": _("Trang tính “%(sheet)s”, dòng %(row)s")
            % {"sheet": self.location.sheet, "row": self.location.row},
            "sheet": self.location.sheet,
            "row": self.location.row,
            "column": self.location.column_letter,
            "typed": self.typed,
            "indicator": f"{self.indicator.template.short_name} {self.indicator.number}",
            "name": self.indicator.name,
            "score": self.score,
            "needs_acknowledgement": self.needs_acknowledgement,
            "signature": self.signature,
        }


@dataclass
class ParsedWorkbook:
    """What the reader found: raw values per (unit, period) and indicator,
    where each came from, and the problems and notes."""

    cells: dict[tuple[int, Period], dict[int, object]] = field(default_factory=dict)
    locations: dict[tuple[int, Period, int], Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    units: dict[int, Unit] = field(default_factory=dict)
    indicators: dict[int, Indicator] = field(default_factory=dict)
    sheets_read: int = 0
    #: Rows taken by a name that is not the catalogue's (``NameMatch``).
    matches: list[NameMatch] = field(default_factory=list)
    #: The "Ghi chú" of a row, per cell: {(unit id, period, indicator id): text}.
    remarks: dict[tuple[int, Period, int], str] = field(default_factory=dict)

    @property
    def cell_count(self) -> int:
        return sum(len(values) for values in self.cells.values())


def normalise_number(value) -> str:
    """ "1." → "1", " 4 .5 " → "4.5", 1.1 (a float Excel made) → "1.1"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip().replace(",", ".")
    text = _SPACES.sub("", text)
    return text.rstrip(".").lstrip(".")


def normalise_name(value) -> str:
    """Lower case, no diacritics, words only: how names are compared."""
    if value is None:
        return ""
    return _normalise_text(str(value))


@functools.lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    return fold(text)


@functools.lru_cache(maxsize=65536)
def _normalise_text(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


def _ratio(a: str, b: str) -> float:
    """How alike two normalised names are, 0 to 1 (rapidfuzz's normalised
    Indel similarity, the measure difflib's ratio approximates)."""
    return fuzz.ratio(a, b) / 100


def _words_in_order(short: str, long: str) -> bool:
    words = long.split()
    position = 0
    for word in short.split():
        try:
            position = words.index(word, position) + 1
        except ValueError:
            return False
    return True


def compatible(typed: str, name: str) -> bool:
    """Whether a row's name can be the catalogue's ``name`` when the numbers
    agree: the same words give or take a few (typos, "kq" for "kết quả"),
    the catalogue's name cut short, or an abbreviation keeping its words."""
    if not typed or not name or typed == name:
        return True
    if len(typed) >= 15 and (name.startswith(typed) or typed.startswith(name)):
        return True
    if len(typed.split()) >= 3 and _words_in_order(typed, name):
        return True
    return _ratio(typed, name) >= _NAME_SIMILAR


class Match(NamedTuple):
    """How a row was matched to an indicator of a version.

    ``kind``: "exact" (number and name, or the name alone, as the catalogue
    or an alias writes it), "close" (the number, with a name close to the
    catalogue's: a note), "renumbered" (the name, with another number: a
    note), "guess" (no number, a name close to exactly one indicator: a
    warning to acknowledge); with no indicator, ``note`` says why not."""

    indicator: Indicator | None
    note: str = ""
    kind: str = ""
    score: int = 100


_NO_MATCH = Match(None)


class _Version:
    """A template version prepared for matching rows."""

    def __init__(self, template: IndicatorTemplate, indicators: list[Indicator], aliases=()):
        self.template = template
        self.indicators = indicators
        self.by_number = {normalise_number(i.number): i for i in indicators}
        self.names = [(normalise_name(i.name), i) for i in indicators]
        self.by_name = dict(self.names)
        by_pk = {i.pk: i for i in indicators}
        for folded, indicator_id in aliases:
            if indicator_id in by_pk:
                self.by_name.setdefault(folded, by_pk[indicator_id])
        self.normalised = {i.pk: name for name, i in self.names}
        self.candidates = [name for name, _i in self.names]
        self._cache: dict[tuple[str, str], Match] = {}

    def match(self, number: str, name: str) -> Match:
        key = (number, name)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._match(number, name)
        return found

    def _closest(self, name: str) -> tuple[Indicator | None, float, Indicator | None]:
        """The closest indicator by name, its score, and a rival as close."""
        scored = sorted(
            ((_ratio(name, candidate), i) for candidate, i in self.names), key=lambda item: -item[0]
        )
        if not scored or scored[0][0] < _NAME_SAME:
            return None, 0.0, None
        best_score, best = scored[0]
        rival = scored[1][1] if len(scored) > 1 and scored[1][0] >= best_score - _NAME_MARGIN else None
        return best, best_score, rival

    def _match(self, number: str, name: str) -> Match:
        by_number = self.by_number.get(number) if number else None
        if by_number is not None:
            official = self.normalised[by_number.pk]
            if not name or name == official or self.by_name.get(name) is by_number:
                return Match(by_number, kind="exact")
            if compatible(name, official):
                return Match(by_number, kind="close", score=round(_ratio(name, official) * 100))
        by_name = self.by_name.get(name) if name else None
        score = 1.0
        if by_name is None and name:
            best, score, rival = self._closest(name)
            if best is not None and rival is not None:
                return Match(
                    None,
                    _("Tên “%(typed)s” gần giống cả chỉ tiêu %(one)s và %(two)s của %(template)s.")
                    % {"typed": name, "one": best.number, "two": rival.number, "template": self.template},
                )
            by_name = best
        if by_name is not None:
            if number:
                return Match(
                    by_name,
                    _(
                        "STT ghi “%(typed)s” nhưng tên khớp chỉ tiêu "
                        "%(number)s “%(name)s”: nhận là chỉ tiêu %(number)s."
                    )
                    % {"typed": number, "number": by_name.number, "name": by_name.name},
                    kind="renumbered",
                    score=round(score * 100),
                )
            if score >= 1.0:
                return Match(by_name, kind="exact")
            return Match(by_name, kind="guess", score=round(score * 100))
        if by_number is not None:
            return Match(
                None,
                _("Dòng STT %(number)s ghi tên khác với chỉ tiêu %(number)s của %(template)s “%(name)s”.")
                % {"number": by_number.number, "template": self.template, "name": by_number.name},
            )
        return _NO_MATCH


@dataclass
class _Header:
    row: int
    stt_col: int
    name_col: int
    unit_col: int | None = None
    template_col: int | None = None
    periods: dict[int, Period] = field(default_factory=dict)
    headers: dict[int, str] = field(default_factory=dict)
    header_rows: dict[int, int] = field(default_factory=dict)
    ignored: set[int] = field(default_factory=set)
    complaints: set[int] = field(default_factory=set)
    reading_periods: bool = True
    note_col: int | None = None
    #: The table ended (a signature block or notes): rows are skipped until
    #: the next title or header.
    ended: bool = False


@dataclass
class _Row:
    sheet: str
    row: int
    number: str
    name: str
    raw_number: object
    values: dict[int, object]
    header: _Header
    template_code: str | None
    unit: Unit | None
    unit_text: str = ""
    remark: str = ""


class LayoutReader:
    """Reads a workbook for ``default_unit``; units named in the file must
    be ``default_unit`` or under it."""

    def __init__(self, *, default_unit: Unit, progress: Callable[[int, int, str], None] | None = None):
        self.default_unit = default_unit
        self.progress = progress
        self.result = ParsedWorkbook()
        units = list(
            Unit.objects.subtree_of(default_unit).only("pk", "name", "short_name", "code", "kind", "path")
        )
        self.units_by_code = {u.code.lower(): u for u in units if u.code}
        self.units_by_id = {u.pk: u for u in units}
        self.units_by_name: dict[str, Unit] = {}
        for unit in units:
            for name in (unit.name, unit.short_name):
                if name:
                    self.units_by_name.setdefault(normalise_name(name), unit)
        templates = list(
            IndicatorTemplate.objects.prefetch_related("indicators").order_by("position", "valid_from_year")
        )
        aliases: dict[int, list[tuple[str, int]]] = {}
        for template_id, folded, indicator_id in IndicatorAlias.objects.values_list(
            "template_id", "folded", "indicator_id"
        ):
            aliases.setdefault(template_id, []).append((folded, indicator_id))
        self.versions: dict[str, list[_Version]] = {}
        for template in templates:
            version = _Version(
                template,
                sorted(template.indicators.all(), key=lambda i: i.position),
                aliases.get(template.pk, ()),
            )
            self.versions.setdefault(template.code, []).append(version)
        # (normalised text, code): a title row naming an appendix.
        self.title_patterns: list[tuple[str, str]] = []
        for template in templates:
            for text in (template.short_name, template.title, template.code):
                pattern = normalise_name(text)
                if pattern:
                    self.title_patterns.append((pattern, template.code))
            short = normalise_name(template.short_name)
            stripped = re.sub(r"\b0+(\d)", r"\1", short)
            if stripped != short:
                self.title_patterns.append((stripped, template.code))
        self.title_patterns.sort(key=lambda item: -len(item[0]))
        # (sheet, unit id or None, [(period, indicator id, raw, location)]) per row.
        self.entries: list[tuple[str, int | None, list[tuple]]] = []
        self.sheet_units: dict[str, Unit | None] = {}
        self.unmatched_rows: set[tuple[str, int]] = set()
        self.section_code: str | None = None
        # The last table read, for a table that goes on in the next sheet.
        self.last_header: _Header | None = None
        self.last_code: str | None = None
        self.last_unit: Unit | None = None
        self.last_sheet = ""
        # (codes, year) → the versions valid that year.
        self._valid: dict[tuple[tuple[str, ...], int], tuple[_Version, ...]] = {}
        # (sheet, unit id, period, indicator id, remark)
        self.row_remarks: list[tuple[str, int | None, list[tuple[Period, int]], str]] = []

    # --- public -------------------------------------------------------------

    def read(self, workbook) -> ParsedWorkbook:
        sheets = list(iter_sheets(workbook))
        total = len(sheets)
        found_any = False
        for index, sheet in enumerate(sheets, start=1):
            if self.progress:
                self.progress(index - 1, total, _("Đọc trang tính “%(sheet)s”") % {"sheet": sheet.title})
            if sheet.hidden:
                self._note(_("Trang tính ẩn: bỏ qua."), sheet.title)
                continue
            if normalise_name(sheet.title).startswith(SUMMARY_SHEET_PREFIX):
                self._note(
                    _("Trang tổng hợp: bỏ qua (số liệu tổng hợp được tính lại từ các đơn vị)."), sheet.title
                )
                continue
            if self._read_sheet(sheet):
                found_any = True
                self.result.sheets_read += 1
            else:
                self._note(
                    _("Không thấy bảng chỉ tiêu (dòng tiêu đề “STT”, “Chỉ tiêu”): bỏ qua."), sheet.title
                )
        if not found_any and not self.result.problems:
            self.result.problems.append(
                Problem(
                    _(
                        "Không tìm thấy bảng chỉ tiêu nào: cần một dòng tiêu đề có “STT” và “Chỉ tiêu”, "
                        "và các cột ghi năm (ví dụ “Năm 2019”)."
                    )
                )
            )
        self._assign_units()
        return self.result

    # --- sheets ----------------------------------------------------------------

    def _read_sheet(self, sheet) -> bool:
        header: _Header | None = None
        self.section_code = None
        sheet_unit: Unit | None = self._unit_from_sheet_title(sheet.title)
        pending: _Row | None = None
        found = False
        # A table that goes on from the sheet before: its rows come without
        # a title or a header of their own.
        carried = self.last_header
        for row_number, values in sheet.rows:
            if header is None and carried is not None and self._continues(values, carried):
                header = carried
                header.ended = header.reading_periods = False
                self.section_code = self.section_code or self.last_code
                if sheet_unit is None:
                    sheet_unit = self.last_unit
                found = True
                self._note(
                    _("Bảng tiếp nối bảng ở trang tính “%(sheet)s”: đọc tiếp với cùng các cột.")
                    % {"sheet": self.last_sheet},
                    sheet.title,
                    row_number,
                )
            if header is not None:
                carried = None
            if header is None or header.ended or not self._is_data_like(values, header):
                texts = [v for v in values.values() if isinstance(v, str)]
                unit_code = self._unit_code_in(texts)
                if unit_code is not None:
                    unit = self.units_by_code.get(unit_code)
                    if unit is None:
                        self._problem(
                            _("Mã đơn vị “%(code)s” không phải %(unit)s hay đơn vị trực thuộc.")
                            % {"code": unit_code, "unit": self.default_unit},
                            sheet.title,
                            row_number,
                        )
                    else:
                        sheet_unit = unit
                    continue
                code = self._template_in_title(values)
                if code is not None:
                    pending = self._finish(pending)
                    self.section_code, header = code, None
                    continue
                new_header = self._header_in(values, row_number, sheet.title)
                if new_header is not None:
                    if header is not None and not header.ended and self._same_columns(header, new_header):
                        # The header printed again at the top of a page: the
                        # row before it may go on below it.
                        header.reading_periods = True
                        continue
                    pending = self._finish(pending)
                    if header is not None and header.ended and self._same_columns(header, new_header):
                        # A second table of the same appendix under the first.
                        pass
                    elif header is not None:
                        self.section_code = None if header.ended else self.section_code
                    header = new_header
                    found = True
                    continue
                if header is None or header.ended:
                    continue
            if header.reading_periods:
                if self._read_period_row(header, values, row_number, sheet.title):
                    continue
                header.reading_periods = False
            skipped = self._outside_table(values, header)
            if skipped:
                pending = self._finish(pending)
                kind, text = skipped
                if kind == "end":
                    header.ended = True
                    self._note(
                        _("Hết bảng ở dòng “%(text)s” (chữ ký, ghi chú): bỏ qua từ dòng này.")
                        % {"text": text},
                        sheet.title,
                        row_number,
                    )
                else:
                    self._note(
                        _("Dòng “%(text)s” không phải chỉ tiêu (%(kind)s): bỏ qua.")
                        % {"text": text, "kind": kind},
                        sheet.title,
                        row_number,
                    )
                continue
            pending = self._data_row(sheet.title, row_number, values, header, sheet_unit, pending)
        self._finish(pending)
        self.sheet_units[sheet.title] = sheet_unit
        if header is not None:
            self.last_header, self.last_code = header, self.section_code
            self.last_unit, self.last_sheet = sheet_unit, sheet.title
        else:
            self.last_header = None
        return found

    def _continues(self, values: dict, header: _Header) -> bool:
        """A sheet's first row goes on with the table of the sheet before: a
        number in its STT column, a name, and nothing where that table had
        no column."""
        stt = values.get(header.stt_col)
        if stt is None or not _STARTS_WITH_DIGIT.match(str(stt)) or header.name_col not in values:
            return False
        known = set(header.periods) | {header.stt_col, header.name_col, header.note_col} | header.ignored
        return values.keys() <= known

    def _outside_table(self, values: dict, header: _Header) -> tuple[str, str] | None:
        """Rows under a table that are not indicators: ("end", text) for a
        signature block, a date line or notes, which end the table; (why,
        text) for a row of column numbers or a sub-heading without figures."""
        stt = values.get(header.stt_col)
        periods = header.periods
        figures = [c for c in values if c in periods]
        if len(values) >= 3 and all(
            isinstance(v, str) and _COLUMN_NUMBER.match(v) or (type(v) is int and 0 < v < 40)
            for v in values.values()
        ):
            numbers = [v for _c, v in sorted(values.items())]
            if all(isinstance(v, str) for v in numbers) or numbers == list(
                range(numbers[0], numbers[0] + len(numbers))
            ):
                return _("dòng đánh số cột"), _shown(values)
        # The first cell's text, or the STT's when it is not a number.
        if isinstance(stt, str) and stt.strip() and not _NUMBERED.match(stt):
            first = _fold_cached(stt).strip()
        elif values:
            first = _fold_cached(" ".join(str(values[min(values)]).split())).strip()
        else:
            first = ""
        if _SIGNATURE.match(first) or _NOTE_LINE.match(first) or _DATE_LINE.search(first):
            return "end", _shown(values)
        if all(isinstance(values[c], str) for c in figures) and any(
            _may_sign(v) and _SIGNATURE.match(_fold_cached(v).strip())
            for c, v in values.items()
            if c in periods
        ):
            # "KT. CHỦ TỊCH" under a year column.
            return "end", _shown(values)
        if not figures and stt is not None and _FOOTNOTE.match(str(stt)):
            return "end", _shown(values)
        return None

    def _is_data_like(self, values: dict, header: _Header) -> bool:
        """A row under a header that holds an indicator: a number in the STT
        column or figures in the period columns."""
        stt = values.get(header.stt_col)
        name = values.get(header.name_col)
        if (stt is not None and normalise_name(stt) in _STT_HEADERS) or (
            name is not None and normalise_name(name) in _NAME_HEADERS
        ):
            return False
        if any(column in values for column in header.periods):
            return True
        return stt is not None and bool(_STARTS_WITH_DIGIT.match(str(stt)))

    def _unit_code_in(self, texts: list[str]) -> str | None:
        for text in texts:
            match = _UNIT_LINE.search(_fold_cached(text))
            if match:
                return match.group(1).rstrip(".").lower()
        return None

    def _unit_from_sheet_title(self, title: str) -> Unit | None:
        unit = self.units_by_code.get(title.strip().lower())
        if unit is None:
            unit = self.units_by_name.get(normalise_name(title))
        return unit

    def _template_in_title(self, values: dict) -> str | None:
        """The appendix a title row names ("Phụ lục 03:", or its title)."""
        if not values or len(values) > 3 or any(not isinstance(v, str) for v in values.values()):
            return None
        joined = normalise_name(" ".join(values.values()))
        if not joined or joined.startswith("stt "):
            return None
        for pattern, code in self.title_patterns:
            if re.search(rf"(?:^|\s){re.escape(pattern)}(?:\s|$)", joined):
                return code
        if len(joined) >= 40:
            # A long title broken over two rows: its first part names one
            # appendix only.
            codes = {code for pattern, code in self.title_patterns if pattern.startswith(joined)}
            if len(codes) == 1:
                return codes.pop()
        return None

    def _header_in(self, values: dict, row_number: int, sheet: str) -> _Header | None:
        stt_col = name_col = unit_col = template_col = None
        for column, value in sorted(values.items()):
            if not isinstance(value, str):
                continue
            text = normalise_name(value)
            if text in _STT_HEADERS and stt_col is None:
                stt_col = column
            elif text in _NAME_HEADERS and name_col is None:
                name_col = column
            elif text in {"ma don vi", "ma dv", "ma don vi hanh chinh"}:
                unit_col = column
            elif text in {"phu luc", "bieu", "ma phu luc", "ma bieu"}:
                template_col = column
        if stt_col is None or name_col is None:
            return None
        header = _Header(
            row=row_number, stt_col=stt_col, name_col=name_col, unit_col=unit_col, template_col=template_col
        )
        self._read_period_row(header, values, row_number, sheet)
        return header

    def _same_columns(self, old: _Header, new: _Header) -> bool:
        return (old.stt_col, old.name_col, old.unit_col, old.template_col) == (
            new.stt_col,
            new.name_col,
            new.unit_col,
            new.template_col,
        )

    def _read_period_row(self, header: _Header, values: dict, row_number: int, sheet: str) -> bool:
        """Take the period headers of a header row. True when the row is part
        of the header (the STT and name columns empty or titled, the other
        cells headers); False for the first row of the table body."""
        fixed = {header.stt_col, header.name_col, header.unit_col, header.template_col}
        if row_number != header.row:
            stt = values.get(header.stt_col)
            name = values.get(header.name_col)
            if stt is not None and normalise_name(stt) not in _STT_HEADERS:
                return False
            if name is not None and normalise_name(name) not in _NAME_HEADERS:
                return False
            for column, value in values.items():
                if column not in fixed and not isinstance(value, str):
                    try:
                        if period_from_header(value) is None:
                            return False
                    except PeriodError:
                        return False
        found = False
        for column, value in values.items():
            if column in fixed:
                continue
            try:
                period = period_from_header(value)
            except PeriodError as error:
                self._problem(str(error), sheet, row_number, column)
                header.ignored.add(column)
                found = True
                continue
            if period is None:
                if isinstance(value, str):
                    text = normalise_name(value)
                    found = True
                    if column in header.periods:
                        continue
                    header.headers.setdefault(column, " ".join(value.split()))
                    header.header_rows.setdefault(column, row_number)
                    if text.startswith(_IGNORED_HEADERS) or text.startswith("giai doan"):
                        header.ignored.add(column)
                    if text.startswith(_NOTE_HEADERS) and header.note_col is None:
                        header.note_col = column
                continue
            found = True
            if column in header.periods:
                above = header.periods[column]
                if above == period:
                    continue
                if not (above.through is None and period.through is not None and above.year == period.year):
                    self._problem(_("Cột có hai tiêu đề kỳ báo cáo khác nhau."), sheet, row_number, column)
                    continue
                # "Năm 2020" over "Năm 2020 (Tính đến 31/3)": the year groups
                # the columns below it, each of which names its own period.
                del header.periods[column]
            duplicate = next((c for c, p in header.periods.items() if p == period), None)
            if duplicate is not None:
                self._problem(
                    _("Hai cột cùng là %(period)s (cột %(other)s và cột này).")
                    % {"period": period.label, "other": get_column_letter(duplicate)},
                    sheet,
                    row_number,
                    column,
                )
                header.ignored.add(column)
                continue
            header.periods[column] = period
            header.headers[column] = " ".join(str(value).split())
            header.ignored.discard(column)
        return found

    # --- rows ------------------------------------------------------------------

    def _data_row(self, sheet, row_number, values, header, sheet_unit, pending) -> _Row | None:
        raw_number = values.get(header.stt_col)
        number = normalise_number(raw_number)
        name_raw = values.get(header.name_col)
        name = " ".join(str(name_raw).split()) if name_raw is not None else ""
        periods = header.periods
        figures = {c: v for c, v in values.items() if c in periods}
        fixed = {header.stt_col, header.name_col, header.unit_col, header.template_col}
        for column in values:
            if (
                column in periods
                or column in fixed
                or column in header.ignored
                or column in header.complaints
            ):
                continue
            header.complaints.add(column)
            label = header.headers.get(column)
            if label:
                message = _(
                    "Tiêu đề cột “%(text)s” không ghi năm hay kỳ báo "
                    "cáo, nên số liệu của cột này không được nhập."
                ) % {"text": label}
                self._problem(message, sheet, header.header_rows.get(column, row_number), column)
            else:
                message = _("Cột có số liệu nhưng không có tiêu đề năm hay kỳ báo cáo.")
                self._problem(message, sheet, row_number, column)
        if (
            not number
            and name
            and not figures
            and pending is not None
            and values.keys() <= fixed
            and (name[0].islower() or pending.name.endswith((",", ";", "-", "(", "/", " và", " của")))
        ):
            # A name broken over two rows (often across a page break); a
            # line that starts a sentence of its own is a sub-heading.
            pending.name = f"{pending.name} {name}".strip()
            return pending
        self._finish(pending)
        if not number and not name and not figures:
            return None
        unit = sheet_unit
        unit_text = ""
        if header.unit_col is not None:
            unit_value = values.get(header.unit_col)
            unit_text = "" if unit_value is None else normalise_number(unit_value)
            unit = self.units_by_code.get(unit_text.lower())
            if unit is None and unit_value is not None:
                unit = self.units_by_name.get(normalise_name(unit_value))
            if unit is None:
                if figures:
                    self._problem(
                        _("Không tìm thấy đơn vị có mã “%(code)s” là %(unit)s hay đơn vị trực thuộc.")
                        % {"code": unit_text, "unit": self.default_unit},
                        sheet,
                        row_number,
                        header.unit_col,
                    )
                return None
        row_template = None
        if header.template_col is not None and values.get(header.template_col) is not None:
            row_template = self._template_code(values.get(header.template_col))
            if row_template is None:
                self._problem(
                    _("Không có phụ lục “%(text)s” trong danh mục.")
                    % {"text": values.get(header.template_col)},
                    sheet,
                    row_number,
                    header.template_col,
                )
                return None
        remark = values.get(header.note_col) if header.note_col is not None else None
        return _Row(
            sheet,
            row_number,
            number,
            name,
            raw_number,
            figures,
            header,
            row_template,
            unit,
            unit_text,
            "" if remark is None else " ".join(str(remark).split()),
        )

    def _template_code(self, value) -> str | None:
        text = normalise_name(value)
        for pattern, code in self.title_patterns:
            if text == pattern:
                return code
        return None

    def _finish(self, row: _Row | None) -> None:
        """Match a finished row to the catalogue and record its cells."""
        if row is None:
            return None
        name = normalise_name(row.name)
        code = row.template_code or self.section_code
        codes = (code,) if code else tuple(self.versions)
        notes: set[str] = set()
        matched_any = False
        cells = []
        headers = row.header.headers
        values = row.values
        indicators = self.result.indicators
        # Periods of the same year share their versions: one match per year.
        by_year: dict[int, Match] = {}
        sheet, row_number = row.sheet, row.row
        for column, period in row.header.periods.items():
            found = by_year.get(period.year)
            if found is None:
                found = by_year[period.year] = self._match(codes, period.year, row.number, name)
            indicator = found.indicator
            raw = values.get(column)
            if indicator is None:
                if raw is not None:
                    self._unmatched(row, column, codes, period, found.note)
                continue
            if not matched_any:
                matched_any = True
                if found.kind in ("close", "guess") or (found.kind == "renumbered" and not row.number):
                    self.result.matches.append(
                        NameMatch(
                            Location(row.sheet, row.row, row.header.name_col, ""),
                            row.name,
                            name,
                            indicator,
                            found.score,
                            needs_acknowledgement=found.kind == "guess",
                        )
                    )
            if code is None:
                code = self.section_code = indicator.template.code
                codes = (code,)
            if found.note:
                notes.add(found.note)
            indicator_id = indicator.id
            indicators[indicator_id] = indicator
            # A blank cell of a matched row clears the value it had.
            cells.append(
                (
                    period,
                    indicator_id,
                    "" if raw is None else raw,
                    _location(sheet, row_number, column, headers.get(column, "")),
                )
            )
        if cells:
            self.entries.append((row.sheet, row.unit.pk if row.unit is not None else None, cells))
            if row.remark:
                self.row_remarks.append(
                    (
                        row.sheet,
                        row.unit.pk if row.unit is not None else None,
                        [(period, pk) for period, pk, _raw, _loc in cells],
                        row.remark,
                    )
                )
        for note in sorted(notes):
            self._note(note, row.sheet, row.row)
        if not matched_any and not row.values and (row.number or row.name):
            self._note(
                _("Dòng “%(text)s” không khớp chỉ tiêu nào và không có số liệu: bỏ qua.")
                % {"text": f"{row.number} {row.name}".strip()[:120]},
                row.sheet,
                row.row,
            )
        return None

    def _match(self, codes, year: int, number: str, name: str) -> Match:
        key = (codes, year)
        versions = self._valid.get(key)
        if versions is None:
            versions = self._valid[key] = tuple(
                version
                for code in codes
                for version in self.versions.get(code, [])
                if version.template.is_valid_in(year)
            )
        fallback = _NO_MATCH
        for version in versions:
            found = version.match(number, name)
            if found.kind in ("exact", "close"):
                return found
            if fallback.indicator is None and (found.indicator is not None or not fallback.note):
                fallback = found
        if fallback.indicator is not None and len(codes) > 1:
            # Without a title saying which appendix this is, only a match of
            # both number and name is trusted.
            return _NO_MATCH
        return fallback

    def _unmatched(self, row: _Row, column: int, codes, period: Period, reason: str) -> None:
        key = (row.sheet, row.row)
        if key in self.unmatched_rows:
            return
        self.unmatched_rows.add(key)
        versions = [
            v for code in codes for v in self.versions.get(code, []) if v.template.is_valid_in(period.year)
        ]
        text = f"{row.number} {row.name}".strip()[:120]
        if not versions:
            message = _("Danh mục chưa có phụ lục này cho năm %(year)s.") % {"year": period.year}
        elif reason:
            message = _("%(reason)s Số liệu của dòng này không được nhập.") % {"reason": reason}
        elif len(codes) == 1:
            message = _(
                "Không tìm thấy chỉ tiêu “%(text)s” trong %(template)s: số liệu của dòng này không được nhập."
            ) % {
                "text": text,
                "template": versions[0].template,
            }
        else:
            message = _(
                "Không xác định được chỉ tiêu “%(text)s”: hãy ghi "
                "tiêu đề phụ lục (ví dụ “Phụ lục 03”) phía trên bảng."
            ) % {"text": text}
        self._problem(message, row.sheet, row.row, row.header.stt_col)

    # --- units ------------------------------------------------------------------

    def _assign_units(self) -> None:
        """Give every cell its unit: the row's, the sheet's, or, when the file
        names no unit other than the one chosen, that one."""
        default_id = self.default_unit.pk
        identified = {unit.pk for unit in self.sheet_units.values() if unit is not None}
        identified |= {unit_id for _sheet, unit_id, _cells in self.entries if unit_id is not None}
        fallback = default_id if identified <= {default_id} else None
        complained: set[str] = set()
        result = self.result
        locations = result.locations
        tables = result.cells
        for sheet, unit_id, cells in self.entries:
            unit_id = unit_id or fallback
            if unit_id is None:
                if sheet not in complained:
                    complained.add(sheet)
                    self._problem(
                        _(
                            "Không xác định được đơn vị của trang tính này: đặt tên trang tính là mã đơn vị, "
                            "hoặc ghi “Mã đơn vị: ...” ở dòng tiêu đề."
                        ),
                        sheet,
                    )
                continue
            result.units[unit_id] = self.units_by_id[unit_id]
            duplicate = False
            for period, indicator_id, raw, location in cells:
                key = (unit_id, period, indicator_id)
                first = locations.get(key)
                if first is not None:
                    if not duplicate:  # once per row
                        duplicate = True
                        self._duplicate(key, location, first)
                    continue
                locations[key] = location
                table = tables.get((unit_id, period))
                if table is None:
                    table = tables[(unit_id, period)] = {}
                table[indicator_id] = raw
        for _sheet, unit_id, pairs, remark in self.row_remarks:
            unit_id = unit_id or fallback
            if unit_id is not None:
                for period, indicator_id in pairs:
                    result.remarks[(unit_id, period, indicator_id)] = remark

    def _duplicate(self, key, location: Location, first: Location) -> None:
        unit_id, period, indicator_id = key
        self._problem(
            _("Số liệu của chỉ tiêu %(number)s, %(period)s, %(unit)s đã có ở %(first)s.")
            % {
                "number": self.result.indicators[indicator_id].number,
                "period": period.label,
                "unit": self.units_by_id[unit_id],
                "first": first,
            },
            location.sheet,
            location.row,
            location.column,
            location.header,
        )

    # --- messages ----------------------------------------------------------------

    def _problem(self, message, sheet="", row=None, column=None, header="") -> None:
        self.result.problems.append(Problem(str(message), sheet, row, column, header))

    def _note(self, message, sheet="", row=None) -> None:
        self.result.notes.append(Problem(str(message), sheet, row))


def read_layout(workbook, *, default_unit: Unit, progress=None) -> ParsedWorkbook:
    """Read ``workbook`` (opened with ``xlsx.open_workbook``)."""
    return LayoutReader(default_unit=default_unit, progress=progress).read(workbook)
