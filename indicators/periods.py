"""Reporting periods: a year, or a part of a year up to a day ("Năm 2020
(Tính đến 31/3)"), read from the header text offices write and from the
keys the command line takes."""

from __future__ import annotations

import calendar
import datetime
import re
from typing import NamedTuple

from django.utils.translation import gettext as _

from cchc.text import fold

from .models import period_key, period_label

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_THROUGH = re.compile(
    r"(?:tinh den|den ngay|den het ngay|den het|den)\s*(?:ngay\s*)?(\d{1,2})\s*[/.-]\s*(\d{1,2})"
)
_MONTHS = re.compile(r"(\d{1,2})\s*thang")


class PeriodError(ValueError):
    """A header that names a period which does not exist (31/2)."""


class Period(NamedTuple):
    """A year, or the part of a year up to ``through``. A tuple: it keys the
    cells of an import, tens of thousands of times."""

    year: int
    through: datetime.date | None = None

    @property
    def key(self) -> str:
        return period_key(self.year, self.through)

    @property
    def label(self) -> str:
        return period_label(self.year, self.through)

    @property
    def sort_key(self) -> tuple:
        return (self.year, self.through or datetime.date(self.year, 12, 31))

    @property
    def header(self) -> str:
        """The column header of the official table."""
        if self.through is None:
            return _("Năm %(year)s") % {"year": self.year}
        return _("Năm %(year)s (Tính đến %(day)s/%(month)s)") % {
            "year": self.year,
            "day": self.through.day,
            "month": self.through.month,
        }


def _end_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_from_header(value) -> Period | None:
    """The period a column header names, or ``None`` when it names none
    (STT, Chỉ tiêu, Ghi chú, or a range such as "Giai đoạn 2015 - 2020").
    Raises ``PeriodError`` for a day that does not exist."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if float(value).is_integer() and 1990 <= int(value) <= 2100:
            return Period(int(value))
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        return None
    text = fold(str(value))
    years = _YEAR.findall(text)
    if len(set(years)) != 1 or "giai doan" in text:
        return None
    year = int(years[0])
    rest = text.replace(years[0], " ")
    match = _THROUGH.search(rest)
    if match:
        day, month = int(match.group(1)), int(match.group(2))
        try:
            through = datetime.date(year, month, day)
        except ValueError:
            raise PeriodError(
                _("Tiêu đề cột “%(text)s”: ngày %(day)s/%(month)s không có thật.")
                % {"text": value, "day": day, "month": month}
            ) from None
        return Period(year, None if (through.month, through.day) == (12, 31) else through)
    months = _MONTHS.search(rest)
    if months and "thang" in rest:
        count = int(months.group(1))
        if 1 <= count < 12:
            return Period(year, _end_of_month(year, count))
        if count == 12:
            return Period(year)
    if re.fullmatch(r"\s*(nam)?\s*", rest) or re.fullmatch(r"\s*(nam)?\s*\(?\s*ca nam\s*\)?\s*", rest):
        return Period(year)
    return None


def period_from_key(key: str) -> Period:
    """ "2019" or "2020-03-31" (the command line, the app's own files)."""
    key = (key or "").strip()
    if re.fullmatch(r"\d{4}", key):
        return Period(int(key))
    try:
        day = datetime.date.fromisoformat(key)
    except ValueError:
        raise PeriodError(
            _("Kỳ báo cáo “%(key)s” không hợp lệ (ví dụ: 2019, 2020-03-31).") % {"key": key}
        ) from None
    return Period(day.year, None if (day.month, day.day) == (12, 31) else day)


def years_from_text(text: str) -> tuple[int, int]:
    """ "2015-2020" or "2019" as an inclusive range of years."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–:]\s*(\d{4}))?\s*", text or "")
    if not match:
        raise PeriodError(_("Khoảng năm “%(text)s” không hợp lệ (ví dụ: 2015-2020).") % {"text": text})
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise PeriodError(_("Khoảng năm “%(text)s”: năm cuối trước năm đầu.") % {"text": text})
    return first, last
