import datetime

import pytest
from django.http import QueryDict

from inspections.choices import FindingKind
from inspections.forms import (
    FindingForm,
    InspectionCreateForm,
    PasteForm,
    PasteReviewForm,
    TaskForm,
    split_numbered_block,
)
from tests.factories import InspectionFactory, InspectionPlanFactory


class TestSplitNumberedBlock:
    def test_points_numbered_with_a_dot(self):
        block = (
            "1. Ban hành Kế hoạch cải cách hành chính năm 2024 kịp thời.\n"
            "2. Công khai đầy đủ thủ tục hành chính tại Bộ phận Một cửa.\n"
            "3. Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,5%."
        )
        assert split_numbered_block(block) == [
            "Ban hành Kế hoạch cải cách hành chính năm 2024 kịp thời.",
            "Công khai đầy đủ thủ tục hành chính tại Bộ phận Một cửa.",
            "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,5%.",
        ]

    def test_points_numbered_with_a_parenthesis(self):
        block = "1) Chưa cập nhật bộ thủ tục hành chính mới.\n2) Chưa số hóa kết quả giải quyết."
        assert split_numbered_block(block) == [
            "Chưa cập nhật bộ thủ tục hành chính mới.",
            "Chưa số hóa kết quả giải quyết.",
        ]

    def test_points_lettered_including_d_with_stroke(self):
        block = "a) Rà soát quy trình nội bộ.\nb) Niêm yết công khai.\nđ) Báo cáo kết quả về Sở Nội vụ."
        assert split_numbered_block(block) == [
            "Rà soát quy trình nội bộ.",
            "Niêm yết công khai.",
            "Báo cáo kết quả về Sở Nội vụ.",
        ]

    @pytest.mark.parametrize("bullet", ["-", "–", "•", "+"])
    def test_bulleted_points(self, bullet):
        block = f"{bullet} Chưa bố trí đủ công chức.\n{bullet} Trang thiết bị còn thiếu."
        assert split_numbered_block(block) == ["Chưa bố trí đủ công chức.", "Trang thiết bị còn thiếu."]

    def test_word_tabs_and_no_break_spaces_after_the_marker(self):
        block = "1.\tKết quả thứ nhất.\n2.\u00a0Kết quả thứ hai."
        assert split_numbered_block(block) == ["Kết quả thứ nhất.", "Kết quả thứ hai."]

    def test_wrapped_lines_continue_the_point_before_them(self):
        # Word wraps long paragraphs; a copy keeps the line breaks.
        block = (
            "1. Việc tiếp nhận hồ sơ trực tuyến toàn trình\n"
            "   còn thấp, chưa đạt chỉ tiêu\n"
            "của tỉnh giao.\n"
            "2. Chưa kiểm tra công vụ định kỳ."
        )
        assert split_numbered_block(block) == [
            "Việc tiếp nhận hồ sơ trực tuyến toàn trình còn thấp, chưa đạt chỉ tiêu của tỉnh giao.",
            "Chưa kiểm tra công vụ định kỳ.",
        ]

    def test_blank_lines_between_numbered_points_are_ignored(self):
        block = "1. Điểm một.\n\n\n2. Điểm hai,\n\ntiếp tục điểm hai."
        assert split_numbered_block(block) == ["Điểm một.", "Điểm hai, tiếp tục điểm hai."]

    def test_without_markers_each_paragraph_is_a_point(self):
        block = (
            "Ủy ban nhân dân huyện đã ban hành kế hoạch\nkịp thời.\n"
            "\n"
            "   \n"
            "Công tác tuyên truyền được quan tâm.\n"
            "\n"
            "Bộ phận Một cửa hoạt động nề nếp."
        )
        assert split_numbered_block(block) == [
            "Ủy ban nhân dân huyện đã ban hành kế hoạch kịp thời.",
            "Công tác tuyên truyền được quan tâm.",
            "Bộ phận Một cửa hoạt động nề nếp.",
        ]

    def test_windows_and_old_mac_line_endings(self):
        assert split_numbered_block("1. Một\r\n   tiếp\r\n2. Hai\r\n") == ["Một tiếp", "Hai"]
        assert split_numbered_block("1. Một\r2. Hai") == ["Một", "Hai"]
        assert split_numbered_block("Đoạn một.\r\n\r\nĐoạn hai.") == ["Đoạn một.", "Đoạn hai."]

    def test_a_line_before_the_first_marker_is_a_point_of_its_own(self):
        # The user sees it in the preview and can empty it before saving.
        block = "Qua kiểm tra cho thấy:\n1. Điểm một.\n2. Điểm hai."
        assert split_numbered_block(block) == ["Qua kiểm tra cho thấy:", "Điểm một.", "Điểm hai."]

    def test_a_number_inside_a_sentence_does_not_start_a_point(self):
        block = "1. Giải quyết 1.250 hồ sơ,\n100% đúng hạn.\n2. Điểm hai."
        assert split_numbered_block(block) == ["Giải quyết 1.250 hồ sơ, 100% đúng hạn.", "Điểm hai."]

    @pytest.mark.parametrize("block", ["", "   \n\n\t", None])
    def test_nothing_to_split(self, block):
        assert split_numbered_block(block) == []


@pytest.fixture
def draft(units, reform_areas):
    plan = InspectionPlanFactory(
        year=2025, number="512/KH-UBND", issued_on=datetime.date(2025, 2, 10), issuer=units.province
    )
    plan.planned_units.add(units.district_a, units.district_b, units.department)
    return InspectionFactory(plan=plan, unit=units.district_a, inspected_on=datetime.date(2025, 4, 11))


def post(**data):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return query


@pytest.mark.django_db
class TestFindingForm:
    def test_whitespace_only_text_is_refused_with_the_message(self, reform_areas):
        form = FindingForm({"text": "  \n\t ", "reform_area": reform_areas.tthc.pk}, year=2025)
        assert not form.is_valid()
        assert form.errors["text"] == ["Nội dung không được để trống."]
        assert form.cleaned_data["reform_area"] == reform_areas.tthc

    def test_a_missing_reform_area_has_its_own_message(self, reform_areas):
        form = FindingForm({"text": "Nội dung."}, year=2025)
        assert not form.is_valid()
        assert form.errors["reform_area"] == ["Hãy chọn lĩnh vực CCHC."]

    def test_only_areas_of_the_plan_year_are_offered(self, reform_areas):
        current = FindingForm(year=2025).fields["reform_area"].queryset
        old = FindingForm(year=2019).fields["reform_area"].queryset
        assert reform_areas.tthc in current
        assert reform_areas.hien_dai_hoa not in current
        assert list(old) == [reform_areas.hien_dai_hoa]


@pytest.mark.django_db
class TestPasteForms:
    def test_paste_form_splits_the_block(self, reform_areas):
        form = PasteForm(
            {"kind": FindingKind.SHORTCOMING, "reform_area": reform_areas.tthc.pk, "block": "1. Một\n2. Hai"},
            year=2025,
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["points"] == ["Một", "Hai"]

    def test_an_empty_block_is_refused(self, reform_areas):
        form = PasteForm(
            {"kind": FindingKind.SHORTCOMING, "reform_area": reform_areas.tthc.pk, "block": "  "}, year=2025
        )
        assert not form.is_valid()
        assert form.errors["block"] == ["Hãy dán đoạn văn bản cần tách."]

    def test_review_keeps_corrected_points_in_order_and_drops_emptied_ones(self, reform_areas):
        data = post(
            kind=FindingKind.RECOMMENDATION,
            reform_area=str(reform_areas.tthc.pk),
            point=["  Điểm một, đã sửa. ", "", "   ", "Điểm bốn."],
        )
        form = PasteReviewForm(data, year=2025)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["points"] == ["Điểm một, đã sửa.", "Điểm bốn."]

    def test_review_with_every_point_emptied_is_refused(self, reform_areas):
        data = post(kind=FindingKind.SHORTCOMING, reform_area=str(reform_areas.tthc.pk), point=["", " "])
        form = PasteReviewForm(data, year=2025)
        assert not form.is_valid()
        assert form.non_field_errors() == ["Không còn điểm nào để lưu."]


@pytest.mark.django_db
class TestTaskForm:
    def test_the_inspected_unit_is_the_default_responsible_unit(self, draft, units):
        form = TaskForm(inspection=draft)
        assert form["responsible_unit"].value() == units.district_a.pk
        assert f'<option value="{units.district_a.pk}" selected>' in str(form["responsible_unit"])

    def test_responsible_units_are_the_inspected_units_subtree_and_the_plans_units(self, draft, units):
        choices = set(TaskForm(inspection=draft).fields["responsible_unit"].queryset)
        assert choices == {units.district_a, units.commune_a, units.district_b, units.department}

    def test_a_unit_outside_the_plan_is_refused_beside_the_field(self, draft, units):
        form = TaskForm({"responsible_unit": units.commune_b.pk, "deadline": "2025-06-30"}, inspection=draft)
        assert not form.is_valid()
        assert list(form.errors) == ["responsible_unit"]

    def test_a_deadline_before_the_inspection_is_refused(self, draft, units):
        form = TaskForm({"responsible_unit": units.district_a.pk, "deadline": "2025-04-10"}, inspection=draft)
        assert not form.is_valid()
        assert form.errors["deadline"] == ["Hạn báo cáo không được trước ngày kiểm tra (11/04/2025)."]

    @pytest.mark.parametrize("typed", ["2025-04-11", "11/04/2025"])
    def test_a_deadline_on_the_inspection_day_is_accepted(self, draft, units, typed):
        form = TaskForm({"responsible_unit": units.district_a.pk, "deadline": typed}, inspection=draft)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["deadline"] == datetime.date(2025, 4, 11)


@pytest.mark.django_db
class TestInspectionCreateForm:
    MESSAGE = "Đơn vị này không có trong kế hoạch hoặc đã có cuộc kiểm tra."

    def test_only_planned_units_without_an_inspection_are_offered(self, draft, units):
        form = InspectionCreateForm(plan=draft.plan)
        assert set(form.fields["unit"].queryset) == {units.district_b, units.department}

    @pytest.mark.parametrize("unit_name", ["commune_b", "district_a"])
    def test_a_unit_not_in_the_plan_or_already_inspected_is_refused(self, draft, units, unit_name):
        unit = getattr(units, unit_name)
        form = InspectionCreateForm({"unit": unit.pk, "inspected_on": "2025-05-05"}, plan=draft.plan)
        assert not form.is_valid()
        assert form.errors["unit"] == [self.MESSAGE]
