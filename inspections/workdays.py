"""Working days: Monday to Friday, except Vietnam's public holidays (Tết
included, from the ``holidays`` package) and the days the administrator
adds to the calendar (``WorkCalendarDay``: a day off the package does not
know, or a Saturday worked in exchange)."""

import datetime
from functools import lru_cache

import holidays

from .models import WorkCalendarDay


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Vietnam(years=year))


def _amendments(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    return dict(WorkCalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_working"))


def is_working_day(day: datetime.date, amendments: dict[datetime.date, bool] | None = None) -> bool:
    if amendments is None:
        amendments = _amendments(day, day)
    if day in amendments:
        return amendments[day]
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day ``days`` working days after ``start`` (``start`` itself does
    not count: "within 10 working days of issue"). One query."""
    # Enough calendar days for any run of holidays (Tết is at most ~9 days off).
    amendments = _amendments(start, start + datetime.timedelta(days=days * 2 + 30))
    day = start
    left = days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, amendments):
            left -= 1
    return day
