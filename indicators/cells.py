"""Reading, writing and checking one cell of an indicator table.

A cell arrives as an office typed it ("88", "5.658", "5650/5658", "/", "H:113
X:288", "02 nhóm (Đất đai, ...)") or as openpyxl read it (an int, a float, a
date Excel made of "2/13", a formula without a cached value). ``parse_cell``
turns it into a ``Cell`` or raises ``CellError`` with a message in
Vietnamese; ``cell_text`` writes it back the way the official table prints
it, so a table exported and imported again is unchanged.

Rules that real tables break (2717 dossiers on time out of 2700 resolved; a
child over its parent) are not errors: ``value_warnings`` returns them as
warning keys that carry the figures, so that an acknowledgement covers those
figures and nothing else.
"""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

from django.utils.translation import gettext as _

from .choices import LEVEL_LABELS, ValueKind

NOT_APPLICABLE = "/"
MAX_TEXT = 2000
# Counts larger than this are typing mistakes (and would overflow BigInteger).
MAX_COUNT = 10**12

_GROUPED = re.compile(r"^\d{1,3}(?:[.,\u00a0 ]\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_SIMPLE_FRACTION = re.compile(r"^\s*(\d{1,13})\s*/\s*(\d{1,13})\s*$")
_LEVEL = re.compile(r"([A-Za-zĐđ]+)\s*[:=]?\s*(-?[\d.,]+)")


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in Vietnamese."""


class MissingCachedValue:
    """A formula cell saved without its computed value (for example written
    by a program that does not calculate): reported, never read as blank."""

    def __init__(self, formula: str = ""):
        self.formula = formula

    def __repr__(self):
        return f"MissingCachedValue({self.formula!r})"


class ErrorValue:
    """A cell holding an Excel error such as #DIV/0! or #REF!."""

    def __init__(self, code: str):
        self.code = code

    def __repr__(self):
        return f"ErrorValue({self.code!r})"


class Cell(NamedTuple):
    """A parsed cell. ``blank`` means not reported (no row is stored). A
    tuple, since an import makes one per cell; two cells are equal when
    they hold the same thing."""

    blank: bool = False
    not_applicable: bool = False
    number: int | None = None
    denominator: int | None = None
    text: str = ""
    levels: dict[str, int] | None = None


BLANK = Cell(blank=True)
NA = Cell(not_applicable=True)


def stored_cell(value) -> Cell:
    """The ``Cell`` of a stored ``IndicatorValue`` (or of ``None``: blank)."""
    if value is None:
        return BLANK
    return Cell(
        not_applicable=value.not_applicable,
        number=value.number,
        denominator=value.denominator,
        text=value.text or "",
        levels=dict(value.levels) if value.levels else None,
    )


_WHAT = {
    "count": lambda: _("Số lượng"),
    "numerator": lambda: _("Tử số"),
    "denominator": lambda: _("Mẫu số"),
}


def _what(what: str) -> str:
    """The name of the part being read, translated only for a message."""
    return _WHAT[what]() if what in _WHAT else what


def _whole(text: str, what: str) -> int:
    """A whole, non-negative number written the Vietnamese way ("5.658" is
    five thousand six hundred fifty-eight)."""
    if _PLAIN.match(text):
        number = _digits(text, text, what)
    else:
        cleaned = text.strip().replace("\u00a0", " ")
        if _GROUPED.match(cleaned):
            cleaned = re.sub(r"[.,\u00a0 ]", "", cleaned)
        if cleaned.startswith("-") and re.match(r"^-\s*\d[\d.,]*$", cleaned):
            raise CellError(
                _("%(what)s không được âm (ghi “%(text)s”).") % {"what": _what(what), "text": text}
            )
        if not _PLAIN.match(cleaned):
            if re.match(r"^\d+[.,]\d+$", cleaned):
                message = _("%(what)s phải là số nguyên (ghi “%(text)s”).")
            else:
                message = _("%(what)s phải là số nguyên không âm (ghi “%(text)s”).")
            raise CellError(message % {"what": _what(what), "text": text})
        number = _digits(cleaned, text, what)
    if number > MAX_COUNT:
        raise CellError(_("%(what)s quá lớn (ghi “%(text)s”).") % {"what": _what(what), "text": text})
    return number


def _digits(digits: str, text: str, what: str) -> int:
    """``int(digits)``, refusing first what no count could be (Python itself
    refuses to read more than 4,300 digits)."""
    if len(digits) > len(str(MAX_COUNT)):
        raise CellError(_("%(what)s quá lớn (ghi “%(text)s”).") % {"what": _what(what), "text": text[:40]})
    return int(digits)


def _number_from_excel(raw, what: str) -> int:
    if isinstance(raw, bool):
        raise CellError(_("%(what)s không đọc được giá trị đúng/sai (TRUE/FALSE).") % {"what": _what(what)})
    if isinstance(raw, float):
        if not raw.is_integer():
            message = _("%(what)s phải là số nguyên (ghi “%(text)s”).")
            raise CellError(message % {"what": _what(what), "text": _g(raw)})
        raw = int(raw)
    if raw < 0:
        raise CellError(_("%(what)s không được âm (ghi “%(text)s”).") % {"what": _what(what), "text": raw})
    if raw > MAX_COUNT:
        raise CellError(_("%(what)s quá lớn (ghi “%(text)s”).") % {"what": _what(what), "text": raw})
    return int(raw)


def _g(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def parse_cell(indicator, raw) -> Cell:
    """Read ``raw`` as a value of ``indicator`` (anything with ``value_kind``,
    ``allows_not_applicable`` and ``levels``)."""
    kind = indicator.value_kind
    if raw is None:
        return BLANK
    if type(raw) is int and kind == ValueKind.COUNT and 0 <= raw <= MAX_COUNT:
        return Cell(number=raw)
    if type(raw) is str and kind == ValueKind.FRACTION:
        # The common fraction, "5650/5658", read at once.
        simple = _SIMPLE_FRACTION.match(raw)
        if simple is not None:
            top, bottom = int(simple.group(1)), int(simple.group(2))
            if top <= MAX_COUNT and bottom <= MAX_COUNT:
                return Cell(number=top, denominator=bottom)
    if isinstance(raw, MissingCachedValue):
        raise CellError(
            _(
                "Ô có công thức (%(formula)s) nhưng tệp không lưu kết quả tính: hãy mở tệp bằng Excel, "
                "tính lại (F9) và lưu, hoặc nhập số thay cho công thức."
            )
            % {"formula": raw.formula or "="}
        )
    if isinstance(raw, ErrorValue):
        raise CellError(_("Ô chứa lỗi công thức %(code)s.") % {"code": raw.code})
    if isinstance(raw, datetime.datetime | datetime.date | datetime.time | datetime.timedelta):
        if kind == ValueKind.FRACTION:
            raise CellError(
                _(
                    "Excel đã đổi giá trị thành ngày tháng (%(value)s). Hãy định dạng ô là Văn bản (Text) "
                    "và nhập lại theo dạng tử số/mẫu số, ví dụ 2/13."
                )
                % {"value": raw}
            )
        raise CellError(_("Ô chứa ngày tháng (%(value)s), không phải số liệu.") % {"value": raw})
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return BLANK
        if text == NOT_APPLICABLE:
            if not indicator.allows_not_applicable:
                raise CellError(
                    _("Chỉ tiêu này không nhận “/” (không áp dụng); hãy ghi số liệu hoặc để trống.")
                )
            return NA
    else:
        text = None

    if kind == ValueKind.COUNT:
        if text is None:
            return Cell(number=_number_from_excel(raw, "count"))
        return Cell(number=_whole(text, "count"))

    if kind == ValueKind.FRACTION:
        if text is None or "/" not in text:
            shown = text if text is not None else _g(raw) if isinstance(raw, float) else raw
            raise CellError(
                _("Chỉ tiêu dạng tỉ lệ phải ghi “tử số/mẫu số”, ví dụ 5650/5658 (ghi “%(text)s”).")
                % {"text": shown}
            )
        top, _slash, bottom = text.partition("/")
        if "/" in bottom:
            raise CellError(_("Tỉ lệ chỉ có một dấu “/” (ghi “%(text)s”).") % {"text": text})
        return Cell(
            number=_whole(top.strip(), "numerator"), denominator=_whole(bottom.strip(), "denominator")
        )

    if kind == ValueKind.TEXT:
        if text is None:
            text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
        if len(text) > MAX_TEXT:
            raise CellError(_("Nội dung dài quá %(n)s ký tự.") % {"n": MAX_TEXT})
        return Cell(text=text)

    if kind == ValueKind.LEVELS:
        allowed = indicator.levels or list(LEVEL_LABELS)
        example = " ".join(f"{level}:{n}" for level, n in zip(allowed, (113, 288, 40), strict=False))
        if text is None:
            raise CellError(
                _("Chỉ tiêu này ghi số liệu theo cấp, ví dụ %(example)s (ghi “%(text)s”).")
                % {"example": example, "text": raw}
            )
        found = _LEVEL.findall(text)
        rest = _LEVEL.sub("", text)
        if not found or re.sub(r"[\s,;]", "", rest):
            raise CellError(
                _("Chỉ tiêu này ghi số liệu theo cấp, ví dụ %(example)s (ghi “%(text)s”).")
                % {"example": example, "text": text}
            )
        levels: dict[str, int] = {}
        for label, number in found:
            label = label.upper().replace("Đ", "D")
            if label not in allowed:
                raise CellError(
                    _("Cấp “%(label)s” không có trong chỉ tiêu này (chỉ có: %(allowed)s).")
                    % {"label": label, "allowed": ", ".join(allowed)}
                )
            if label in levels:
                raise CellError(_("Cấp “%(label)s” ghi hai lần.") % {"label": label})
            levels[label] = _whole(number, _("Số liệu cấp %(label)s") % {"label": label})
        ordered = {level: levels[level] for level in allowed if level in levels}
        return Cell(levels=ordered)

    raise CellError(_("Loại giá trị không hỗ trợ: %(kind)s.") % {"kind": kind})


def cell_text(cell: Cell) -> str:
    """The cell as the official table prints it."""
    if cell.blank:
        return ""
    if cell.not_applicable:
        return NOT_APPLICABLE
    if cell.levels:
        return " ".join(f"{label}:{number}" for label, number in cell.levels.items())
    if cell.denominator is not None:
        return f"{cell.number}/{cell.denominator}"
    if cell.number is not None:
        return str(cell.number)
    return cell.text


def value_text(value) -> str:
    return cell_text(stored_cell(value))


def cell_excel(cell: Cell):
    """What an exported worksheet cell holds: counts as numbers, the rest as
    the text the table prints."""
    if not cell.blank and not cell.not_applicable and cell.denominator is None and cell.number is not None:
        return cell.number
    return cell_text(cell) or None


def check_stored(value) -> None:
    """The stored fields of ``value`` match its indicator's kind."""
    kind = value.indicator.value_kind
    if value.not_applicable:
        if not value.indicator.allows_not_applicable:
            raise CellError(_("Chỉ tiêu này không nhận “/” (không áp dụng)."))
        return
    has_levels = bool(value.levels)
    shape = {
        ValueKind.COUNT: value.number is not None
        and value.denominator is None
        and not value.text
        and not has_levels,
        ValueKind.FRACTION: value.number is not None and value.denominator is not None and not value.text,
        ValueKind.TEXT: bool(value.text) and value.number is None and not has_levels,
        ValueKind.LEVELS: has_levels and value.number is None and not value.text,
    }.get(kind, False)
    if not shape:
        raise CellError(_("Giá trị không đúng loại của chỉ tiêu (%(kind)s).") % {"kind": kind})


# --- checks ---------------------------------------------------------------

RATIO = "ratio"
PARENT = "parent"


def _components(cell: Cell) -> dict[str, int] | None:
    if cell.blank or cell.not_applicable:
        return None
    if cell.levels:
        return dict(cell.levels)
    if cell.denominator is not None:
        return {"": cell.number, "/": cell.denominator}
    if cell.number is not None:
        return {"": cell.number}
    return None


def value_warnings(indicator, cell: Cell, parent_cell: Cell | None) -> list[str]:
    """Warning keys for ``cell``: ``ratio:2717/2700`` when a numerator
    exceeds its denominator where it should not, ``parent:145>111`` when a
    figure exceeds its parent's."""
    keys: list[str] = []
    if not indicator.numerator_within_denominator and not indicator.within_parent:
        return []
    if (
        indicator.numerator_within_denominator
        and cell.denominator is not None
        and cell.number is not None
        and cell.number > cell.denominator
    ):
        keys.append(f"{RATIO}:{cell.number}/{cell.denominator}")
    if indicator.within_parent and parent_cell is not None:
        if not cell.levels and not parent_cell.levels:
            # Counts or fractions (the common case), compared part by part
            # as the components below would be, without making them.
            number, parent_number = cell.number, parent_cell.number
            if (
                number is None
                or parent_number is None
                or cell.blank
                or cell.not_applicable
                or parent_cell.blank
                or parent_cell.not_applicable
                or (cell.denominator is None) != (parent_cell.denominator is None)
            ):
                return keys
            if number > parent_number or (
                cell.denominator is not None and cell.denominator > parent_cell.denominator
            ):
                keys.append(f"{PARENT}:{cell_text(cell)}>{cell_text(parent_cell)}")
            return keys
        mine, theirs = _components(cell), _components(parent_cell)
        if mine and theirs and (set(mine) == set(theirs) or (cell.levels and parent_cell.levels)):
            if any(part in theirs and mine[part] > theirs[part] for part in mine):
                keys.append(f"{PARENT}:{cell_text(cell)}>{cell_text(parent_cell)}")
    return keys


def warning_message(key: str, indicator=None) -> str:
    """The sentence shown for a warning key."""
    code, _sep, figures = key.partition(":")
    if code == RATIO:
        top, _slash, bottom = figures.partition("/")
        return _("Tử số (%(top)s) lớn hơn mẫu số (%(bottom)s).") % {"top": top, "bottom": bottom}
    if code == PARENT:
        mine, _gt, theirs = figures.partition(">")
        parent = getattr(getattr(indicator, "parent", None), "number", "")
        return _("Giá trị (%(mine)s) lớn hơn giá trị của chỉ tiêu cha %(parent)s (%(theirs)s).") % {
            "mine": mine,
            "parent": parent,
            "theirs": theirs,
        }
    return key
