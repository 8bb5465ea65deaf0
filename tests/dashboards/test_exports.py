"""Each dashboard table as Excel, read back; text that looks like a formula
stays text."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import FindingFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(client, table, **params):
    response = client.get(reverse("dashboards:export"), {"table": table, "year": 2024, **params})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response


def sheet_of(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_the_units_table_in_excel(client, dash, province_leader):
    client.force_login(province_leader)
    response = export(client, "units")
    assert response["Content-Disposition"] == 'attachment; filename="units-ubnd-tinh-quang-nam-2024.xlsx"'
    sheet = sheet_of(response)
    assert sheet["A1"].value == "So sánh, xếp hạng đơn vị"
    assert "UBND tỉnh Quảng Nam · năm 2024 · đơn vị hiện nay" == sheet["A2"].value
    header = [cell.value for cell in sheet[4]]
    assert header[:4] == ["Hạng", "Đơn vị", "Cuộc kiểm tra", "Nhiệm vụ"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    duy_xuyen = rows["UBND huyện Duy Xuyên"]
    assert duy_xuyen[:7] == (1, "UBND huyện Duy Xuyên", 3, 4, 1, 1, 3)
    assert duy_xuyen[7] == pytest.approx(1 / 3)
    rate_cell = next(sheet.iter_rows(min_row=5, max_row=5))[7]
    assert rate_cell.number_format == "0.0%"
    assert "UBND xã Vu Gia" in rows


@pytest.mark.parametrize(
    ("table", "title", "first_row"),
    [
        ("glance", "Tổng quan năm", ("Đơn vị trong kế hoạch kiểm tra", "5")),
        ("areas", "Nội dung kết luận theo lĩnh vực", ("Cải cách thủ tục hành chính", 1, 3, 4, 2, 3)),
        ("trends", "Xu hướng qua các năm", (2015, 0, 0, 0, None, 0, 0, None, None, None)),
    ],
)
def test_other_tables_in_excel(client, dash, province_leader, table, title, first_row):
    client.force_login(province_leader)
    sheet = sheet_of(export(client, table))
    assert sheet["A1"].value == title
    assert next(sheet.iter_rows(min_row=5, max_row=5, values_only=True)) == first_row


def test_text_that_looks_like_a_formula_stays_text(client, dash, province_leader):
    formula = '=HYPERLINK("http://example.invalid","Bấm vào đây")'
    for _ in range(3):
        FindingFactory(inspection=dash.inspections.ca, reform_area=dash.areas.tthc, text=formula)
    client.force_login(province_leader)
    response = export(client, "shortcomings")
    sheet = sheet_of(response)
    cell = sheet["A5"]
    assert (cell.value, cell.data_type) == (formula, "s")
    assert cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<x:f>" not in xml


def test_the_page_links_each_table_to_excel(client, dash, province_leader):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:findings"), {"year": 2024})
    keys = [key for key, _title, _href in response.context["exports"]]
    assert keys == ["areas", "shortcomings", "recurring"]
    assert 'data-table="recurring"' in response.content.decode()
