"""Every page of the indicator tables: allowed, forbidden (403) and out of
scope (404), the grid's save-as-you-go over HTMX, and pinned query counts
for the list and the grid."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from demo.indicator_tables import seed_workbook
from indicators.choices import ImportStatus, TableStatus
from indicators.models import IndicatorImport, IndicatorTable, IndicatorValue
from indicators.services import table_create, value_set
from tests.indicators.conftest import cells_of, workbook_bytes

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tables(catalogue, units, officer_a):
    """Duy Xuyên's 2019 table (with a flagged cell) and 2018 table, and Đại
    Lộc's 2019 table."""
    own = table_create(unit=units.district_a, year=2019, user=officer_a)
    value_set(table=own, indicator=catalogue.pl03("1.2"), raw="263", user=officer_a)
    value_set(table=own, indicator=catalogue.pl03("5.2"), raw="2717/2700", user=officer_a)
    last_year = table_create(unit=units.district_a, year=2018, user=officer_a)
    value_set(table=last_year, indicator=catalogue.pl03("1.2"), raw="204", user=officer_a)
    other = table_create(unit=units.district_b, year=2019)
    value_set(table=other, indicator=catalogue.pl03("1.2"), raw="250", user=None)
    commune = table_create(unit=units.commune_a, year=2019)
    return type("Tables", (), {"own": own, "last_year": last_year, "other": other, "commune": commune})


def login(client, user, url=None):
    client.force_login(user)
    # The first request after force_login may write the session.
    client.get(url or reverse("indicators:table_list"))


def page(response) -> str:
    return response.content.decode()


class TestList:
    URL = reverse("indicators:table_list")

    def test_anonymous_is_sent_to_login(self, client, tables):
        response = client.get(self.URL)
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_an_officer_sees_its_units_tables(self, client, officer_a, tables):
        login(client, officer_a)
        response = client.get(self.URL)
        assert response.status_code == 200
        assert {r.pk for r in response.context["tables"]} == {
            tables.own.pk,
            tables.last_year.pk,
            tables.commune.pk,
        }
        assert "UBND huyện Đại Lộc" not in page(response)
        row = next(r for r in response.context["tables"] if r.pk == tables.own.pk)
        assert (row.value_count, row.open_warning_count) == (2, 1)

    def test_an_inspector_sees_the_province(self, client, inspector, tables):
        login(client, inspector)
        response = client.get(self.URL, {"year": 2019})
        assert {r.pk for r in response.context["tables"]} == {
            tables.own.pk,
            tables.other.pk,
            tables.commune.pk,
        }

    def test_someone_without_a_role_sees_nothing(self, client, outsider, tables):
        login(client, outsider)
        response = client.get(self.URL)
        assert response.status_code == 200
        assert list(response.context["tables"]) == []
        assert "Chưa có bảng số liệu nào trong phạm vi của bạn." in page(response)

    @pytest.mark.parametrize("extra", [0, 6])
    def test_query_count_does_not_grow_with_the_tables(
        self, client, inspector, tables, units, extra, django_assert_num_queries
    ):
        for year in range(2010, 2010 + extra):
            table_create(unit=units.district_b, year=year)
        login(client, inspector)
        with django_assert_num_queries(8):
            response = client.get(self.URL)
        assert len(response.context["tables"]) == 4 + extra


class TestGrid:
    def url(self, table):
        return reverse("indicators:table_detail", args=[table.pk])

    def test_the_officer_gets_an_editable_grid(self, client, officer_a, tables, catalogue):
        login(client, officer_a)
        response = client.get(self.url(tables.own))
        assert response.status_code == 200
        html = page(response)
        indicator = catalogue.pl03("5.2")
        assert f'id="cell-{indicator.pk}"' in html and 'value="2717/2700"' in html
        assert "Tử số (2717) lớn hơn mẫu số (2700)." in html
        assert "Xác nhận số liệu đúng" in html
        assert response.context["previous"] == tables.last_year
        assert "1 ô có cảnh báo chưa xác nhận" in html
        # The CSP forbids inline scripts and styles.
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)
        assert " style=" not in html

    def test_an_inspector_reads_it_without_inputs(self, client, inspector, tables):
        login(client, inspector)
        response = client.get(self.url(tables.own))
        assert response.status_code == 200
        assert "grid-input" not in page(response)

    def test_out_of_scope_is_404(self, client, officer_b, tables):
        login(client, officer_b)
        assert client.get(self.url(tables.own)).status_code == 404

    def test_query_count_is_pinned(self, client, officer_a, tables, django_assert_num_queries):
        login(client, officer_a)
        with django_assert_num_queries(15):
            client.get(self.url(tables.own))


class TestCells:
    def url(self, table, indicator):
        return reverse("indicators:cell", args=[table.pk, indicator.pk])

    def test_a_cell_saves_over_htmx_and_answers_with_its_row(self, client, officer_a, tables, catalogue):
        indicator = catalogue.pl03("1.3")
        login(client, officer_a)
        response = client.post(
            self.url(tables.own, indicator),
            {f"cell-{indicator.pk}": "106", f"version-{indicator.pk}": "0"},
            **HTMX,
        )
        assert response.status_code == 200
        html = page(response)
        assert html.lstrip().startswith(f'<tr id="row-{indicator.pk}"')
        assert 'value="106"' in html
        assert 'id="table-summary" class="text-end" hx-swap-oob="true"' in html
        assert cells_of(tables.own.unit)[("PL03", "1.3", "2019")] == "106"

    def test_a_wrong_cell_keeps_what_was_typed_and_says_why(self, client, officer_a, tables, catalogue):
        indicator = catalogue.pl03("1.2")
        login(client, officer_a)
        response = client.post(self.url(tables.own, indicator), {f"cell-{indicator.pk}": "263,5"}, **HTMX)
        html = page(response)
        assert 'value="263,5"' in html
        assert "Số lượng phải là số nguyên (ghi “263,5”)." in html
        assert "is-invalid" in html
        assert cells_of(tables.own.unit)[("PL03", "1.2", "2019")] == "263"

    def test_a_parent_change_updates_the_childs_row_too(self, client, officer_a, tables, catalogue):
        login(client, officer_a)
        value_set(table=tables.own, indicator=catalogue.pl03("4"), raw="111", user=officer_a)
        value_set(table=tables.own, indicator=catalogue.pl03("4.3"), raw="145", user=officer_a)
        parent = catalogue.pl03("4")
        response = client.post(self.url(tables.own, parent), {f"cell-{parent.pk}": "263"}, **HTMX)
        html = page(response)
        child = catalogue.pl03("4.3")
        assert f'<tr id="row-{child.pk}" class="grid-row depth-1" hx-swap-oob="true">' in html

    def test_acknowledging_a_warning(self, client, officer_a, tables, catalogue):
        indicator = catalogue.pl03("5.2")
        login(client, officer_a)
        response = client.post(reverse("indicators:acknowledge", args=[tables.own.pk, indicator.pk]), **HTMX)
        assert response.status_code == 200
        assert "(đã xác nhận)" in page(response)
        assert not IndicatorValue.objects.get(table=tables.own, indicator=indicator).needs_acknowledgement

    @pytest.mark.parametrize("name", ["cell", "acknowledge"])
    def test_roles_that_may_not_edit_get_403(self, client, inspector, leader, tables, catalogue, name):
        indicator = catalogue.pl03("5.2")
        for user in (inspector, leader):
            login(client, user)
            assert (
                client.post(
                    reverse(f"indicators:{name}", args=[tables.own.pk, indicator.pk]), **HTMX
                ).status_code
                == 403
            )

    @pytest.mark.parametrize("name", ["cell", "acknowledge"])
    def test_another_units_officer_gets_404(self, client, officer_b, tables, catalogue, name):
        login(client, officer_b)
        url = reverse(f"indicators:{name}", args=[tables.own.pk, catalogue.pl03("5.2").pk])
        assert client.post(url, **HTMX).status_code == 404

    def test_a_submitted_table_is_read_only(self, client, officer_a, tables, catalogue):
        IndicatorTable.objects.filter(pk=tables.own.pk).update(status=TableStatus.SUBMITTED)
        indicator = catalogue.pl03("1.2")
        login(client, officer_a)
        response = client.post(self.url(tables.own, indicator), {f"cell-{indicator.pk}": "1"}, **HTMX)
        assert "đang ở trạng thái “Đã gửi, chờ duyệt”: không sửa được" in page(response)

    def test_the_whole_column_without_javascript(self, client, officer_a, tables, catalogue):
        login(client, officer_a)
        url = reverse("indicators:table_save", args=[tables.own.pk])
        first, second = catalogue.pl03("1.3"), catalogue.pl03("2")
        response = client.post(url, {f"cell-{first.pk}": "106", f"cell-{second.pk}": "mười"})
        assert response.status_code == 400
        html = page(response)
        assert 'value="mười"' in html and 'value="106"' in html  # what was typed is kept
        assert ("PL03", "1.3", "2019") not in cells_of(tables.own.unit)
        response = client.post(url, {f"cell-{first.pk}": "106", f"cell-{second.pk}": "10"})
        assert response.status_code == 302
        assert cells_of(tables.own.unit)[("PL03", "2", "2019")] == "10"


class TestStatus:
    def url(self, table, action):
        return reverse("indicators:table_transition", args=[table.pk, action])

    def test_submit_approve_lock(self, client, officer_a, inspector, tables, catalogue):
        value = IndicatorValue.objects.get(table=tables.own, indicator=catalogue.pl03("5.2"))
        login(client, officer_a)
        client.post(self.url(tables.own, "submit"))
        tables.own.refresh_from_db()
        assert tables.own.status == TableStatus.DRAFT  # the warning is not acknowledged yet
        value.acknowledged_warnings = value.warnings
        value.needs_acknowledgement = False
        value.save()
        assert client.post(self.url(tables.own, "submit")).status_code == 302
        assert client.post(self.url(tables.own, "approve")).status_code == 403
        login(client, inspector)
        client.post(self.url(tables.own, "approve"))
        client.post(self.url(tables.own, "lock"))
        tables.own.refresh_from_db()
        assert tables.own.status == TableStatus.LOCKED

    def test_who_may_not(self, client, leader, inspector, other_province_inspector, officer_b, tables):
        IndicatorTable.objects.filter(pk=tables.own.pk).update(status=TableStatus.SUBMITTED)
        events = tables.own.events.count()
        login(client, leader)
        assert client.post(self.url(tables.own, "approve")).status_code == 403
        login(client, other_province_inspector)
        assert client.post(self.url(tables.own, "approve")).status_code == 404
        login(client, officer_b)
        assert client.post(self.url(tables.own, "submit")).status_code == 404
        login(client, inspector)
        assert client.post(self.url(tables.own, "reopen")).status_code == 403
        assert client.post(self.url(tables.own, "dance")).status_code == 404
        tables.own.refresh_from_db()
        assert (tables.own.status, tables.own.events.count()) == (TableStatus.SUBMITTED, events)

    def test_return_needs_a_reason(self, client, inspector, administrator, tables):
        IndicatorTable.objects.filter(pk=tables.own.pk).update(status=TableStatus.SUBMITTED)
        login(client, inspector)
        response = client.post(self.url(tables.own, "return"), {"comment": ""}, follow=True)
        assert "Hãy ghi lý do trả lại" in page(response)
        client.post(self.url(tables.own, "return"), {"comment": "Số liệu 5.2 chưa khớp"})
        tables.own.refresh_from_db()
        assert tables.own.status == TableStatus.DRAFT
        assert "Số liệu 5.2 chưa khớp" in page(
            client.get(reverse("indicators:table_detail", args=[tables.own.pk]))
        )

    def test_comments(self, client, officer_a, outsider, tables):
        url = reverse("indicators:table_comment", args=[tables.own.pk])
        login(client, officer_a)
        client.post(url, {"comment": "Đã rà soát lại số hồ sơ."})
        assert tables.own.events.get().text == "Đã rà soát lại số hồ sơ."
        login(client, outsider)
        assert client.post(url, {"comment": "x"}).status_code == 404


class TestCreate:
    URL = reverse("indicators:table_create")

    def test_an_officer_creates_a_table_for_its_unit(self, client, officer_a, units, catalogue):
        login(client, officer_a)
        response = client.post(self.URL, {"unit": units.commune_a.pk, "year": 2021, "through": "30/06/2021"})
        table = IndicatorTable.objects.get()
        assert response["Location"] == reverse("indicators:table_detail", args=[table.pk])
        assert (table.unit, table.through) == (units.commune_a, datetime.date(2021, 6, 30))

    def test_out_of_scope_unit_and_wrong_input_keep_what_was_typed(self, client, officer_a, units, catalogue):
        login(client, officer_a)
        response = client.post(self.URL, {"unit": units.district_b.pk, "year": 2021, "through": "30/06/2020"})
        assert response.status_code == 400
        html = page(response)
        assert "Hãy chọn một lựa chọn hợp lệ" in html or "Select a valid choice" in html
        assert 'value="30/06/2020"' in html
        assert not IndicatorTable.objects.exists()

    def test_inspectors_do_not_create_tables(self, client, inspector, units):
        login(client, inspector)
        assert client.post(self.URL, {"unit": units.district_a.pk, "year": 2021}).status_code == 403


class TestImport:
    URL = reverse("indicators:import")

    def test_upload_check_then_apply_with_acknowledgement(
        self, client, officer_a, units, catalogue, django_assert_num_queries
    ):
        login(client, officer_a)
        response = client.post(
            self.URL, {"unit": units.district_a.pk, "file": _file(seed_workbook(), "PL03-PL07.xlsx")}
        )
        record = IndicatorImport.objects.get()
        assert response["Location"] == reverse("indicators:import_detail", args=[record.pk])
        assert record.status == ImportStatus.READY
        assert IndicatorValue.objects.count() == 0  # nothing saved yet
        detail = reverse("indicators:import_detail", args=[record.pk])
        with django_assert_num_queries(7):
            html = page(client.get(detail))
        assert "9 ô có cảnh báo cần xác nhận" in html
        assert "Trang tính “Phụ lục 03”, dòng 27, cột H (Năm 2020 (Tính đến 31/3))" in html
        # Without the acknowledgement nothing is imported, with it everything is.
        apply = reverse("indicators:import_apply", args=[record.pk])
        response = client.post(apply, follow=True)
        assert "Hãy xác nhận các cảnh báo" in page(response)
        assert IndicatorValue.objects.count() == 0
        response = client.post(apply, {"acknowledge": "on"}, follow=True)
        assert "Đã nhập: 216 ô mới, 0 ô sửa, 0 ô xóa." in page(response)
        record.refresh_from_db()
        assert record.status == ImportStatus.IMPORTED
        assert IndicatorValue.objects.filter(table__unit=units.district_a).count() == 216

    def test_a_file_with_problems_lists_them_and_offers_no_import(self, client, officer_a, units, catalogue):
        from tests.indicators.test_import import problem_workbook

        login(client, officer_a)
        client.post(self.URL, {"unit": units.district_a.pk, "file": _file(workbook_bytes(problem_workbook))})
        record = IndicatorImport.objects.get()
        assert record.status == ImportStatus.REJECTED
        html = page(client.get(reverse("indicators:import_detail", args=[record.pk])))
        assert "8 lỗi: chưa lưu gì" in html
        assert "Trang tính “PL03”, dòng 6, cột D (Năm 2016)" in html
        assert 'id="apply-form"' not in html
        assert client.post(reverse("indicators:import_apply", args=[record.pk])).status_code == 302
        assert IndicatorValue.objects.count() == 0

    def test_a_file_that_is_not_a_workbook(self, client, officer_a, units, catalogue):
        login(client, officer_a)
        client.post(self.URL, {"unit": units.district_a.pk, "file": _file(b"not a zip")})
        html = page(client.get(reverse("indicators:import_detail", args=[IndicatorImport.objects.get().pk])))
        assert "Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls) hay LibreOffice (.ods)" in html

    def test_the_form_refuses_other_files_and_units(self, client, officer_a, units, catalogue):
        login(client, officer_a)
        response = client.post(self.URL, {"unit": units.district_b.pk, "file": _file(b"x", "bao-cao.csv")})
        assert response.status_code == 400
        html = page(response)
        assert "Chỉ nhận tệp bảng tính Excel (.xlsx, .xlsm, .xls) hoặc LibreOffice (.ods)" in html
        assert not IndicatorImport.objects.exists()

    def test_who_may_not(self, client, inspector, officer_b, officer_a, units, catalogue):
        login(client, inspector)
        assert client.get(self.URL).status_code == 403
        login(client, officer_a)
        client.post(self.URL, {"unit": units.district_a.pk, "file": _file(seed_workbook())})
        record = IndicatorImport.objects.get()
        login(client, officer_b)
        assert client.get(reverse("indicators:import_detail", args=[record.pk])).status_code == 404
        assert (
            client.post(
                reverse("indicators:import_apply", args=[record.pk]), {"acknowledge": "on"}
            ).status_code
            == 404
        )
        login(client, inspector)
        assert client.post(reverse("indicators:import_apply", args=[record.pk])).status_code == 403


class TestFilesOut:
    def test_the_template_for_a_unit_and_year(self, client, officer_a, tables, units, catalogue):
        login(client, officer_a)
        response = client.get(reverse("indicators:template"), {"unit": units.district_a.pk, "period": "2019"})
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="bieu-chi-tieu-508-2019.xlsx"'
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.iter_rows(values_only=True))
        assert ("5.2", catalogue.pl03("5.2").name, "2717/2700") == values[
            next(i for i, row in enumerate(values) if row[0] == "5.2")
        ][:3]
        assert any(row[3] == "Cách ghi" for row in values if len(row) > 3)

    def test_template_out_of_scope_and_forbidden(self, client, officer_a, inspector, units, catalogue):
        login(client, officer_a)
        url = reverse("indicators:template")
        assert client.get(url, {"unit": units.district_b.pk, "period": "2019"}).status_code == 404
        login(client, inspector)
        assert client.get(url, {"unit": units.district_a.pk, "period": "2019"}).status_code == 403

    def test_export_of_a_unit_and_out_of_scope(self, client, officer_a, tables, units):
        login(client, officer_a)
        url = reverse("indicators:export")
        response = client.get(url, {"unit": units.district_a.pk, "years": "2018-2019", "format": "xlsx"})
        assert response.status_code == 200
        assert (response["Cache-Control"], response["X-Content-Type-Options"]) == ("no-store", "nosniff")
        sheet = load_workbook(io.BytesIO(response.content))["508"]
        assert any(
            row[:4] == ("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 204, 263)
            for row in sheet.iter_rows(values_only=True)
        )
        assert client.get(url, {"unit": units.district_b.pk, "years": "2019"}).status_code == 404
        response = client.get(url, {"unit": units.district_a.pk, "years": "2020-2015"})
        assert response.status_code == 400 and "năm cuối trước năm đầu" in page(response)


def _file(data: bytes, name: str = "bao-cao.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


@pytest.mark.parametrize(
    "model", ["indicatortemplate", "indicatortable", "indicatorvalue", "indicatorimport"]
)
def test_the_admin_lists_and_opens_each_model(client, tables, model, django_user_model):
    admin = django_user_model.objects.create_superuser("sieuquantri", "qt@example.gov.vn", "Mat-khau-qt-2025")
    client.force_login(admin)
    response = client.get(reverse(f"admin:indicators_{model}_changelist"))
    assert response.status_code == 200
    first = response.context["cl"].result_list[0] if response.context["cl"].result_list else None
    if first is not None:
        assert client.get(reverse(f"admin:indicators_{model}_change", args=[first.pk])).status_code == 200


class TestHostileCells:
    """Issue 15: numbers the cell grammar and the views once read with
    ``int()`` (thousands of digits, "²", which ``str.isdigit`` accepts)."""

    def url(self, table, indicator):
        return reverse("indicators:cell", args=[table.pk, indicator.pk])

    def test_a_version_int_cannot_read_is_no_version(self, client, officer_a, tables, catalogue):
        indicator = catalogue.pl03("1.3")
        login(client, officer_a)
        response = client.post(
            self.url(tables.own, indicator),
            {f"cell-{indicator.pk}": "106", f"version-{indicator.pk}": "²"},
            **HTMX,
        )
        assert response.status_code == 200
        assert IndicatorValue.objects.get(table=tables.own, indicator=indicator).number == 106

    def test_a_long_number_in_a_cell_says_too_large(self, client, officer_a, tables, catalogue):
        indicator = catalogue.pl03("1.3")
        login(client, officer_a)
        response = client.post(self.url(tables.own, indicator), {f"cell-{indicator.pk}": "9" * 19}, **HTMX)
        assert "Số lượng quá lớn" in page(response)
        assert not IndicatorValue.objects.filter(table=tables.own, indicator=indicator).exists()

    def test_thousands_of_digits_are_refused_with_a_400(self, client, officer_a, tables, catalogue):
        indicator = catalogue.pl03("1.3")
        login(client, officer_a)
        for field in (f"cell-{indicator.pk}", f"version-{indicator.pk}"):
            response = client.post(
                self.url(tables.own, indicator), {f"cell-{indicator.pk}": "1", field: "9" * 5_000}, **HTMX
            )
            assert response.status_code == 400
            assert "quá dài" in page(response)

    def test_the_whole_column_ignores_a_field_int_cannot_read(self, client, officer_a, tables, catalogue):
        indicator = catalogue.pl03("1.3")
        login(client, officer_a)
        response = client.post(
            reverse("indicators:table_save", args=[tables.own.pk]),
            {f"cell-{indicator.pk}": "107", "cell-²": "1"},
        )
        assert response.status_code == 302
        assert IndicatorValue.objects.get(table=tables.own, indicator=indicator).number == 107
