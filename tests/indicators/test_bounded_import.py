"""Bounded cost of an import (issue 15): a workbook of more rows than the
importer's units and the catalogue could need is refused before any cell is
read, and the stored preview and the page are bounded."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from indicators import xlsx
from indicators.choices import ImportStatus
from indicators.services import indicator_import_create
from indicators.services.imports import import_row_bound
from tests.indicators.conftest import office_sheet, workbook_bytes


def cell_bomb(rows: int) -> bytes:
    """A small file of many rows: every zip check passes."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tổng hợp")
    for number in range(rows):
        sheet.append([number, "Chỉ tiêu", number, number])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def no_cells_read(monkeypatch):
    def refuse(data):
        raise AssertionError("the cells were read")

    monkeypatch.setattr(xlsx, "_calamine_open", refuse)


def test_the_bound_follows_the_units_and_the_catalogue(catalogue, units, officer_a, settings):
    from indicators.models import Indicator
    from indicators.selectors import editable_unit_ids

    ids = editable_unit_ids(officer_a)
    expected = len(ids) * (2 * Indicator.objects.count() + 100)
    assert import_row_bound(unit=units.district_a, editable_ids=ids) == expected
    settings.CCHC_INDICATOR_IMPORT_MAX_ROWS = 50
    assert import_row_bound(unit=units.district_a, editable_ids=None) == 50


def test_a_cell_bomb_is_refused_before_its_cells_are_read(catalogue, units, officer_a, no_cells_read):
    from indicators.selectors import editable_unit_ids

    bound = import_row_bound(unit=units.district_a, editable_ids=editable_unit_ids(officer_a))
    data = cell_bomb(bound + 1)
    record = indicator_import_create(unit=units.district_a, data=data, name="bom.xlsx", user=officer_a)
    assert record.status == ImportStatus.REJECTED
    (problem,) = record.preview["problems"]
    assert problem["message"].startswith(f"Bảng tính có trên {bound:,} dòng".replace(",", "."))
    assert record.preview["changes"] == [] and record.preview["totals"] == {}


def test_a_workbook_within_the_bound_is_read(catalogue, units, officer_a):
    record = indicator_import_create(
        unit=units.district_a, data=cell_bomb(50), name="nho.xlsx", user=officer_a
    )
    assert not any("dòng, nhiều hơn" in p["message"] for p in record.preview["problems"])


def _many_problems(count: int) -> bytes:
    rows = [(f"9{n}.1", f"Chỉ tiêu không có {n}", 5, 6) for n in range(count)]
    return workbook_bytes(lambda book: office_sheet(book.active, rows))


def test_the_stored_preview_is_bounded_and_the_page_says_how_many_more(
    catalogue, units, officer_a, settings, client
):
    settings.CCHC_INDICATOR_IMPORT_PREVIEW_ITEMS = 3
    record = indicator_import_create(
        unit=units.district_a, data=_many_problems(8), name="loi.xlsx", user=officer_a
    )
    total = len(record.preview["problems"]) + record.preview["omitted"]["problems"]
    assert len(record.preview["problems"]) == 3 and total >= 8

    client.force_login(officer_a)
    html = client.get(reverse("indicators:import_detail", args=[record.pk])).content.decode()
    assert f"{total} lỗi: chưa lưu gì" in html
    assert f"không hiển thị thêm {total - 3} lỗi" in html


def test_the_preview_page_is_paged(catalogue, units, officer_a, client, monkeypatch):
    from indicators.views import ImportDetailView

    monkeypatch.setattr(ImportDetailView, "page_size", 2)
    record = indicator_import_create(
        unit=units.district_a, data=_many_problems(5), name="loi.xlsx", user=officer_a
    )
    client.force_login(officer_a)
    url = reverse("indicators:import_detail", args=[record.pk])
    first = client.get(url).content.decode()
    assert first.count('class="problem"') == 2 and "?page=2" in first
    last = client.get(url, {"page": "9999"}).content.decode()
    assert 1 <= last.count('class="problem"') <= 2
    assert client.get(url, {"page": "x"}).status_code == 200
    # A control character is refused before the view, by HostileInputMiddleware.
    assert client.get(url, {"page": "x\x00"}).status_code == 400


def test_the_stored_name_takes_the_extension_of_the_format_read(catalogue, units, officer_a):
    record = indicator_import_create(
        unit=units.district_a, data=cell_bomb(5), name="so-lieu.html", user=officer_a
    )
    assert record.original_name == "so-lieu.xlsx"
    assert record.file.name.endswith(".xlsx")
