import datetime

import pytest

from indicators.periods import Period, PeriodError, period_from_header, period_from_key, years_from_text


@pytest.mark.parametrize(
    "header, period",
    [
        ("Năm 2016", Period(2016)),
        ("2016", Period(2016)),
        (2016, Period(2016)),
        (2016.0, Period(2016)),
        ("  NĂM   2019 ", Period(2019)),
        ("Năm 2020 (Tính đến 31/3)", Period(2020, datetime.date(2020, 3, 31))),
        ("Năm 2020 (Tinh đến 31/3)", Period(2020, datetime.date(2020, 3, 31))),
        ("Năm 2020 (tính đến ngày 31/03/2020)", Period(2020, datetime.date(2020, 3, 31))),
        ("6 tháng đầu năm 2021", Period(2021, datetime.date(2021, 6, 30))),
        ("Năm 2019 (tính đến 31/12)", Period(2019)),
    ],
)
def test_headers_offices_write(header, period):
    assert period_from_header(header) == period


@pytest.mark.parametrize(
    "header", ["STT", "Chỉ tiêu", "Giai đoạn 2015 - 2020", "Ghi chú", "Năm 2019 (ước)", 88, None]
)
def test_headers_that_are_not_periods(header):
    assert period_from_header(header) is None


def test_a_day_that_does_not_exist_is_an_error():
    with pytest.raises(PeriodError, match="ngày 31/2 không có thật"):
        period_from_header("Năm 2021 (tính đến 31/2)")


def test_keys_and_labels():
    period = period_from_key("2020-03-31")
    assert (period.year, period.through, period.key) == (2020, datetime.date(2020, 3, 31), "2020-03-31")
    assert period.label == "Năm 2020 (tính đến 31/3)"
    assert period.header == "Năm 2020 (Tính đến 31/3)"
    assert period_from_key("2019") == Period(2019)
    assert years_from_text("2015-2020") == (2015, 2020)
    with pytest.raises(PeriodError):
        years_from_text("2020-2015")
    with pytest.raises(PeriodError):
        period_from_key("31/3/2020")
