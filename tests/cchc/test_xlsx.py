"""The one safe cell writer of every export: text that a spreadsheet would
run is stored as text, characters XML cannot hold are dropped, numbers stay
numbers. Each workbook is saved and read back."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from cchc.xlsx import MAX_TEXT, write_cell


def saved(*values) -> tuple[str, object]:
    """The first sheet's XML and the sheet read back, with ``values`` in
    column A from row 1."""
    workbook = Workbook()
    for row, value in enumerate(values, start=1):
        write_cell(workbook.active, row, 1, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    return xml, load_workbook(io.BytesIO(data)).active


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","Bấm vào đây")',
        "=1+1",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_text_that_a_spreadsheet_would_run_stays_text(text):
    xml, sheet = saved(text)
    assert "<f>" not in xml
    cell = sheet["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_other_text_is_plain_text():
    _xml, sheet = saved("UBND huyện Duy Xuyên", "5650/5658")
    assert [(c.value, c.data_type, c.quotePrefix) for c in (sheet["A1"], sheet["A2"])] == [
        ("UBND huyện Duy Xuyên", "s", False),
        ("5650/5658", "s", False),
    ]


def test_characters_xml_cannot_hold_are_dropped_and_long_text_is_cut():
    _xml, sheet = saved("bell\x07 removed\x00", "x" * (MAX_TEXT + 10))
    assert sheet["A1"].value == "bell removed"
    assert len(sheet["A2"].value) == MAX_TEXT


def test_numbers_dates_and_blanks_are_written_as_they_are():
    _xml, sheet = saved(-5, 0.25, datetime.datetime(2024, 3, 31, 8, 30), None)
    assert [sheet.cell(row=n, column=1).value for n in range(1, 5)] == [
        -5,
        0.25,
        datetime.datetime(2024, 3, 31, 8, 30),
        None,
    ]
    assert [sheet.cell(row=n, column=1).data_type for n in range(1, 4)] == ["n", "n", "d"]


def test_a_named_style_is_applied():
    workbook = Workbook()
    cell = write_cell(workbook.active, 1, 1, "-", "Percent")
    assert (cell.style, cell.quotePrefix) == ("Percent", True)
