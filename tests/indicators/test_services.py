"""Entering a table cell by cell, acknowledging warnings, and the table's
life from draft to locked."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.choices import TableAction, TableStatus
from indicators.models import IndicatorTable, IndicatorValue
from indicators.services import (
    StaleCellError,
    table_approve,
    table_comment_add,
    table_create,
    table_lock,
    table_reopen,
    table_return,
    table_submit,
    table_values_save,
    value_acknowledge,
    value_set,
)


@pytest.fixture
def table(catalogue, units, officer_a):
    return table_create(unit=units.district_a, year=2020, through=datetime.date(2020, 3, 31), user=officer_a)


def cell(table, indicator):
    return IndicatorValue.objects.filter(table=table, indicator=indicator).first()


class TestCells:
    def test_a_cell_is_read_as_typed_and_kept_with_both_parts(self, table, catalogue, officer_a):
        result = value_set(table=table, indicator=catalogue.pl03("5.2"), raw="5.650/5.658", user=officer_a)
        value = result.value
        assert (value.number, value.denominator, value.version, value.updated_by) == (
            5650,
            5658,
            1,
            officer_a,
        )
        assert value.history.count() == 1

    def test_a_wrong_cell_is_refused_with_a_message_and_nothing_changes(self, table, catalogue, officer_a):
        value_set(table=table, indicator=catalogue.pl03("1.2"), raw="263", user=officer_a)
        with pytest.raises(ValidationError) as error:
            value_set(table=table, indicator=catalogue.pl03("1.2"), raw="26,3", user=officer_a)
        assert error.value.messages == ["Số lượng phải là số nguyên (ghi “26,3”)."]
        assert cell(table, catalogue.pl03("1.2")).number == 263

    def test_blank_clears_and_slash_is_not_applicable(self, table, catalogue, officer_a):
        indicator = catalogue.pl03("1.2")
        value_set(table=table, indicator=indicator, raw="263", user=officer_a)
        value_set(table=table, indicator=indicator, raw="/", user=officer_a)
        assert cell(table, indicator).not_applicable
        value_set(table=table, indicator=indicator, raw="", user=officer_a)
        assert cell(table, indicator) is None

    def test_an_indicator_the_unit_kind_does_not_report(self, table, catalogue, officer_a):
        with pytest.raises(ValidationError, match="Chỉ tiêu 5.1 không áp dụng"):
            value_set(table=table, indicator=catalogue.pl03("5.1"), raw="10/12", user=officer_a)
        value_set(table=table, indicator=catalogue.pl03("5.1"), raw="/", user=officer_a)

    def test_a_stale_page_does_not_overwrite_a_newer_value(
        self, table, catalogue, officer_a, make_member, units
    ):
        indicator = catalogue.pl03("1.2")
        value_set(table=table, indicator=indicator, raw="263", user=officer_a, version=0)
        with pytest.raises(StaleCellError) as error:
            value_set(table=table, indicator=indicator, raw="264", user=officer_a, version=0)
        assert "vừa được người khác sửa thành “263”" in error.value.messages[0]
        assert error.value.current.number == 263
        value_set(table=table, indicator=indicator, raw="264", user=officer_a, version=1)
        assert cell(table, indicator).number == 264

    def test_only_drafts_change(self, table, catalogue, officer_a):
        IndicatorTable.objects.filter(pk=table.pk).update(status=TableStatus.SUBMITTED)
        with pytest.raises(ValidationError, match="Đã gửi, chờ duyệt"):
            value_set(table=table, indicator=catalogue.pl03("1.2"), raw="1", user=officer_a)


class TestWarnings:
    def test_a_breach_is_kept_flagged_and_needs_acknowledging(self, table, catalogue, officer_a):
        value = value_set(table=table, indicator=catalogue.pl03("5.2"), raw="2717/2700", user=officer_a).value
        assert (value.number, value.denominator) == (2717, 2700)
        assert (value.warnings, value.needs_acknowledgement) == (["ratio:2717/2700"], True)
        value = value_acknowledge(value=value, user=officer_a)
        assert (value.acknowledged_warnings, value.needs_acknowledgement, value.acknowledged_by) == (
            ["ratio:2717/2700"],
            False,
            officer_a,
        )
        # New figures need a new acknowledgement.
        value = value_set(table=table, indicator=catalogue.pl03("5.2"), raw="2718/2700", user=officer_a).value
        assert value.needs_acknowledgement

    def test_a_child_over_its_parent_and_the_parent_changing(self, table, catalogue, officer_a):
        value_set(table=table, indicator=catalogue.pl03("4"), raw="111", user=officer_a)
        child = value_set(table=table, indicator=catalogue.pl03("4.3"), raw="145", user=officer_a).value
        assert child.warnings == ["parent:145>111"]
        result = value_set(table=table, indicator=catalogue.pl03("4"), raw="200", user=officer_a)
        assert [v.indicator.number for v in result.related] == ["4.3"]
        assert cell(table, catalogue.pl03("4.3")).warnings == []
        assert not cell(table, catalogue.pl03("4.3")).needs_acknowledgement

    def test_a_table_with_an_unacknowledged_warning_is_not_submitted(self, table, catalogue, officer_a):
        value = value_set(table=table, indicator=catalogue.pl03("5.2"), raw="2717/2700", user=officer_a).value
        with pytest.raises(ValidationError) as error:
            table_submit(table=table, user=officer_a)
        assert error.value.messages == [
            "Còn 1 ô có cảnh báo chưa xác nhận: Phụ lục 03 5.2: Tử số (2717) lớn hơn mẫu số (2700)."
        ]
        value_acknowledge(value=value, user=officer_a)
        assert table_submit(table=table, user=officer_a).status == TableStatus.SUBMITTED


class TestLife:
    def test_draft_submitted_approved_locked_with_comments(
        self, table, catalogue, officer_a, inspector, administrator
    ):
        value_set(table=table, indicator=catalogue.pl03("1.2"), raw="263", user=officer_a)
        table = table_submit(table=table, user=officer_a, comment="Gửi số liệu quý I")
        with pytest.raises(ValidationError) as error:
            table_return(table=table, user=inspector, comment="  ")
        assert error.value.message_dict == {"comment": ["Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."]}
        table = table_return(table=table, user=inspector, comment="Kiểm tra lại chỉ tiêu 1.2")
        assert table.status == TableStatus.DRAFT
        table = table_submit(table=table, user=officer_a)
        table = table_approve(table=table, user=inspector)
        assert (table.status, table.approved_by) == (TableStatus.APPROVED, inspector)
        table = table_lock(table=table, user=inspector)
        assert table.status == TableStatus.LOCKED and table.locked_at is not None
        with pytest.raises(
            ValidationError, match="Không thể duyệt: bảng số liệu đang ở trạng thái “Đã khóa”"
        ):
            table_approve(table=table, user=inspector)
        table = table_reopen(table=table, user=administrator, comment="Sửa sai số liệu đã duyệt")
        assert (table.status, table.approved_at) == (TableStatus.DRAFT, None)
        table_comment_add(table=table, user=officer_a, text="Đã sửa.")
        assert list(table.events.order_by("id").values_list("action", flat=True)) == [
            TableAction.SUBMIT,
            TableAction.RETURN,
            TableAction.SUBMIT,
            TableAction.APPROVE,
            TableAction.LOCK,
            TableAction.REOPEN,
            TableAction.COMMENT,
        ]

    def test_an_empty_table_is_not_submitted(self, table, officer_a):
        with pytest.raises(ValidationError, match="chưa có số liệu nào"):
            table_submit(table=table, user=officer_a)

    def test_one_table_per_unit_and_period(self, table, units, officer_a):
        with pytest.raises(ValidationError, match="Đơn vị đã có bảng số liệu cho kỳ này"):
            table_create(unit=units.district_a, year=2020, through=datetime.date(2020, 3, 31))
        table_create(unit=units.district_a, year=2020)  # the full year is another table
        with pytest.raises(ValidationError, match="Đơn vị đã có bảng số liệu cả năm này"):
            table_create(unit=units.district_a, year=2020)
        with pytest.raises(ValidationError, match="phải thuộc năm 2019"):
            table_create(unit=units.district_a, year=2019, through=datetime.date(2020, 3, 31))

    def test_the_database_keeps_its_rules(self, table, catalogue):
        with pytest.raises(IntegrityError), transaction.atomic():
            IndicatorValue.objects.create(table=table, indicator=catalogue.pl03("1.2"), number=-1)
        with pytest.raises(IntegrityError), transaction.atomic():
            IndicatorValue.objects.create(
                table=table, indicator=catalogue.pl03("1.2"), not_applicable=True, number=3
            )


class TestColumnSave:
    def test_all_or_nothing(self, table, catalogue, officer_a):
        good, bad = catalogue.pl03("1.2"), catalogue.pl03("1.3")
        with pytest.raises(ValidationError) as error:
            table_values_save(table=table, raws={good.pk: "263", bad.pk: "abc"}, user=officer_a)
        assert error.value.message_dict == {
            f"cell-{bad.pk}": ["Số lượng phải là số nguyên không âm (ghi “abc”)."]
        }
        assert not IndicatorValue.objects.exists()
        assert table_values_save(table=table, raws={good.pk: "263", bad.pk: "106"}, user=officer_a) == 2
