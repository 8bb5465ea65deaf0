import datetime

import pytest
from django.core.exceptions import ValidationError

from inspections import services
from inspections.choices import FindingKind, InspectionStatus, TaskStatus, TeamRole
from inspections.models import Finding, Inspection, RemediationTask
from inspections.services import StaleEditError
from tests.factories import FindingFactory, InspectionFactory, UserFactory

pytestmark = pytest.mark.django_db

SHORTCOMING = FindingKind.SHORTCOMING


@pytest.fixture
def plan(units, inspector):
    return services.plan_create(
        year=2024,
        number="2005/KH-UBND",
        issued_on=datetime.date(2024, 4, 16),
        issuer=units.province,
        title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2024",
        planned_units=[units.district_a, units.district_b],
        created_by=inspector,
    )


@pytest.fixture
def inspection(plan, units, inspector):
    return services.inspection_create(
        plan=plan, unit=units.district_a, inspected_on=datetime.date(2024, 6, 15), created_by=inspector
    )


def texts(inspection, kind=SHORTCOMING):
    return list(
        Finding.objects.filter(inspection=inspection, kind=kind)
        .order_by("position")
        .values_list("text", flat=True)
    )


def positions(inspection, kind=SHORTCOMING):
    return list(
        Finding.objects.filter(inspection=inspection, kind=kind)
        .order_by("position")
        .values_list("position", flat=True)
    )


def add(inspection, area, text, kind=SHORTCOMING, **kwargs):
    return services.finding_create(inspection=inspection, kind=kind, reform_area=area, text=text, **kwargs)


class TestPlanAndInspection:
    def test_an_inspection_of_a_unit_not_in_the_plan_is_rejected(self, plan, units):
        with pytest.raises(ValidationError) as excinfo:
            services.inspection_create(
                plan=plan, unit=units.commune_b, inspected_on=datetime.date(2024, 6, 20)
            )

        assert excinfo.value.message_dict == {
            "unit": ["Đơn vị UBND xã Đại Hiệp không có trong danh sách được kiểm tra của kế hoạch."]
        }
        assert not Inspection.objects.filter(unit=units.commune_b).exists()

    def test_an_inspection_of_a_planned_unit_starts_in_progress(self, inspection, units, inspector):
        assert inspection.unit == units.district_a
        assert inspection.status == InspectionStatus.IN_PROGRESS
        assert not inspection.is_issued
        assert inspection.created_by == inspector

    def test_a_second_inspection_of_the_same_unit_in_a_plan_is_rejected(self, inspection, plan, units):
        with pytest.raises(ValidationError) as excinfo:
            services.inspection_create(
                plan=plan, unit=units.district_a, inspected_on=datetime.date(2024, 7, 1)
            )
        assert excinfo.value.messages == ["Đơn vị này đã có cuộc kiểm tra trong kế hoạch."]
        assert Inspection.objects.filter(plan=plan, unit=units.district_a).count() == 1

    def test_a_plan_with_a_year_out_of_range_is_rejected(self, units):
        with pytest.raises(ValidationError) as excinfo:
            services.plan_create(
                year=1999,
                number="1/KH-UBND",
                issued_on=datetime.date(1999, 1, 5),
                issuer=units.province,
                title="x",
            )
        assert excinfo.value.messages == ["Năm kế hoạch phải trong khoảng 2000 - 2100."]

    def test_team_members_are_kept_in_order_with_one_head(self, plan, units):
        team = services.team_create(
            plan=plan,
            name="Đoàn kiểm tra CCHC năm 2024",
            decision_number="1443/QĐ-UBND",
            decision_date=datetime.date(2024, 5, 16),
            decision_issuer=units.province,
            members=[
                {"full_name": "Nguyễn Văn Hương", "role": TeamRole.HEAD},
                {"full_name": "Trần Thị Lan", "role": TeamRole.DEPUTY},
                {"full_name": "Lê Văn Nam", "role": TeamRole.MEMBER},
            ],
        )
        assert [(m.order, m.full_name) for m in team.members.all()] == [
            (1, "Nguyễn Văn Hương"),
            (2, "Trần Thị Lan"),
            (3, "Lê Văn Nam"),
        ]
        assert team.head.full_name == "Nguyễn Văn Hương"

    def test_a_team_with_two_heads_is_rejected_entirely(self, plan, units):
        with pytest.raises(ValidationError) as excinfo:
            services.team_create(
                plan=plan,
                name="Đoàn có hai trưởng đoàn",
                decision_number="1444/QĐ-UBND",
                decision_date=datetime.date(2024, 5, 16),
                decision_issuer=units.province,
                members=[
                    {"full_name": "Nguyễn Văn Hương", "role": TeamRole.HEAD},
                    {"full_name": "Trần Thị Lan", "role": TeamRole.HEAD},
                ],
            )
        assert excinfo.value.messages == ["Mỗi đoàn chỉ có một trưởng đoàn."]
        assert not plan.teams.exists()


class TestFindingCreate:
    @pytest.mark.parametrize("text", ["", "  \n  "])
    def test_a_finding_without_text_is_rejected_and_nothing_saved(self, inspection, reform_areas, text):
        add(inspection, reform_areas.tthc, "Chưa công khai đầy đủ thủ tục hành chính.")

        with pytest.raises(ValidationError) as excinfo:
            add(inspection, reform_areas.tthc, text, position=1)

        assert "Nội dung không được để trống." in excinfo.value.message_dict["text"]
        assert texts(inspection) == ["Chưa công khai đầy đủ thủ tục hành chính."]
        assert positions(inspection) == [1]

    def test_text_is_saved_stripped(self, inspection, reform_areas):
        finding = add(inspection, reform_areas.tthc, "  Tỷ lệ hồ sơ trễ hạn còn cao.\n")
        assert Finding.objects.get(pk=finding.pk).text == "Tỷ lệ hồ sơ trễ hạn còn cao."

    def test_points_are_appended_per_part(self, inspection, reform_areas):
        add(
            inspection,
            reform_areas.chi_dao_dieu_hanh,
            "Ban hành kế hoạch CCHC năm đúng hạn.",
            FindingKind.ACHIEVEMENT,
        )
        add(inspection, reform_areas.tthc, "Chưa niêm yết TTHC tại bộ phận một cửa.")
        add(inspection, reform_areas.cong_vu, "Chưa bố trí đủ công chức bộ phận một cửa.")
        add(inspection, reform_areas.tthc, "Rà soát lại quy trình nội bộ.", FindingKind.RECOMMENDATION)

        assert texts(inspection) == [
            "Chưa niêm yết TTHC tại bộ phận một cửa.",
            "Chưa bố trí đủ công chức bộ phận một cửa.",
        ]
        assert positions(inspection) == [1, 2]
        assert positions(inspection, FindingKind.ACHIEVEMENT) == [1]
        assert positions(inspection, FindingKind.RECOMMENDATION) == [1]

    def test_a_point_inserted_at_a_position_moves_the_later_ones_down(self, inspection, reform_areas):
        for text in ["Một", "Hai", "Ba"]:
            add(inspection, reform_areas.tthc, text)

        inserted = add(inspection, reform_areas.tthc, "Chen vào thứ hai", position=2)

        assert inserted.position == 2
        assert texts(inspection) == ["Một", "Chen vào thứ hai", "Hai", "Ba"]
        assert positions(inspection) == [1, 2, 3, 4]

    @pytest.mark.parametrize(("asked", "expected"), [(0, ["Mới", "Một", "Hai"]), (99, ["Một", "Hai", "Mới"])])
    def test_positions_out_of_range_go_to_the_ends(self, inspection, reform_areas, asked, expected):
        add(inspection, reform_areas.tthc, "Một")
        add(inspection, reform_areas.tthc, "Hai")
        add(inspection, reform_areas.tthc, "Mới", position=asked)
        assert texts(inspection) == expected
        assert positions(inspection) == [1, 2, 3]

    def test_a_reform_area_not_valid_for_the_plan_year_is_rejected(self, inspection, reform_areas):
        with pytest.raises(ValidationError) as excinfo:
            add(inspection, reform_areas.hien_dai_hoa, "Chưa áp dụng ISO 9001.")

        assert excinfo.value.message_dict == {
            "reform_area": ["Lĩnh vực “Hiện đại hóa hành chính” không áp dụng cho năm 2024."]
        }
        assert not Finding.objects.filter(inspection=inspection).exists()

    def test_a_reform_area_of_the_old_programme_is_accepted_for_an_old_plan(self, units, reform_areas):
        old = InspectionFactory(plan__year=2019, plan__issuer=units.province, unit=units.district_b)
        finding = add(old, reform_areas.hien_dai_hoa, "Chưa áp dụng ISO 9001.")
        assert finding.reform_area == reform_areas.hien_dai_hoa


class TestFindingReorderAndDelete:
    @pytest.fixture
    def three(self, inspection, reform_areas):
        return [add(inspection, reform_areas.tthc, text) for text in ["Một", "Hai", "Ba"]]

    def test_reorder_renumbers_in_the_order_given(self, inspection, three, inspector):
        one, two, three_ = three
        services.finding_reorder(
            inspection=inspection, kind=SHORTCOMING, ordered_ids=[three_.pk, one.pk, two.pk], user=inspector
        )
        assert texts(inspection) == ["Ba", "Một", "Hai"]
        assert positions(inspection) == [1, 2, 3]

    @pytest.mark.parametrize(
        "make_ids",
        [
            pytest.param(lambda ids, other: ids[:2], id="missing"),
            pytest.param(lambda ids, other: [*ids, other], id="extra-from-another-part"),
            pytest.param(lambda ids, other: [ids[0], ids[0], ids[1], ids[2]], id="duplicate"),
        ],
    )
    def test_reorder_rejects_a_list_that_does_not_match(self, inspection, three, reform_areas, make_ids):
        other = add(inspection, reform_areas.tthc, "Kiến nghị", FindingKind.RECOMMENDATION)
        ids = [f.pk for f in reversed(three)]

        with pytest.raises(ValidationError) as excinfo:
            services.finding_reorder(
                inspection=inspection, kind=SHORTCOMING, ordered_ids=make_ids(ids, other.pk)
            )

        assert excinfo.value.messages == [
            "Danh sách sắp xếp không khớp với các nội dung hiện có; hãy tải lại trang."
        ]
        assert texts(inspection) == ["Một", "Hai", "Ba"]

    def test_delete_closes_the_gap(self, inspection, three):
        services.finding_delete(finding=three[0])
        assert texts(inspection) == ["Hai", "Ba"]
        assert positions(inspection) == [1, 2]


class TestFindingUpdate:
    @pytest.fixture
    def finding(self, inspection, reform_areas, inspector):
        return add(inspection, reform_areas.tthc, "Chưa niêm yết TTHC.", created_by=inspector)

    def test_a_stale_version_is_refused_and_the_newer_text_kept(self, finding, reform_areas, inspector):
        # A colleague's save, as the database sees it.
        Finding.objects.filter(pk=finding.pk).update(text="Bản của đồng nghiệp.", version=2)

        with pytest.raises(StaleEditError) as excinfo:
            services.finding_update(
                finding=finding, expected_version=1, text="Bản cũ của tôi.", reform_area=reform_areas.tthc
            )

        assert "Hãy xem bản mới trước khi lưu." in excinfo.value.messages[0]
        stored = Finding.objects.get(pk=finding.pk)
        assert (stored.text, stored.version) == ("Bản của đồng nghiệp.", 2)

    def test_update_saves_the_text_and_bumps_the_version(self, finding, reform_areas, inspector):
        updated = services.finding_update(
            finding=finding,
            expected_version=1,
            text="  Chưa niêm yết đầy đủ TTHC tại bộ phận một cửa. ",
            reform_area=reform_areas.cong_vu,
            updated_by=inspector,
        )
        stored = Finding.objects.get(pk=finding.pk)
        assert (stored.text, stored.version, stored.reform_area) == (
            "Chưa niêm yết đầy đủ TTHC tại bộ phận một cửa.",
            2,
            reform_areas.cong_vu,
        )
        assert updated.version == 2

    def test_two_people_editing_the_same_version_the_second_is_refused(self, finding, reform_areas):
        colleague = UserFactory(full_name="Trần Thị Lan")
        services.finding_update(
            finding=finding,
            expected_version=1,
            text="Bản của đồng nghiệp.",
            reform_area=reform_areas.tthc,
            updated_by=colleague,
        )

        with pytest.raises(StaleEditError) as excinfo:
            services.finding_update(
                finding=finding, expected_version=1, text="Bản cũ của tôi.", reform_area=reform_areas.tthc
            )

        assert excinfo.value.messages[0].startswith("Nội dung này đã được Trần Thị Lan sửa lúc")
        assert Finding.objects.get(pk=finding.pk).text == "Bản của đồng nghiệp."

    def test_history_keeps_each_version_with_its_user(self, finding, reform_areas, inspector):
        editor = UserFactory()
        services.finding_update(
            finding=finding,
            expected_version=1,
            text="Bản sửa.",
            reform_area=reform_areas.tthc,
            updated_by=editor,
        )
        records = list(Finding.objects.get(pk=finding.pk).history.order_by("history_date", "history_id"))
        assert [(r.history_type, r.text, r.version) for r in records] == [
            ("+", "Chưa niêm yết TTHC.", 1),
            ("~", "Bản sửa.", 2),
        ]
        assert records[1].history_user == editor

    def test_the_creation_record_names_the_creator(self, finding, inspector):
        record = finding.history.get()
        assert (record.history_type, record.history_user) == ("+", inspector)

    def test_a_reform_area_not_valid_for_the_plan_year_is_refused(self, finding, reform_areas):
        with pytest.raises(ValidationError) as excinfo:
            services.finding_update(
                finding=finding, expected_version=1, text="Bản sửa.", reform_area=reform_areas.hien_dai_hoa
            )
        assert excinfo.value.message_dict == {
            "reform_area": ["Lĩnh vực “Hiện đại hóa hành chính” không áp dụng cho năm 2024."]
        }
        assert Finding.objects.get(pk=finding.pk).text == "Chưa niêm yết TTHC."


class TestTaskCreate:
    def test_the_inspected_unit_is_responsible_by_default(self, inspection, reform_areas, units):
        recommendation = add(
            inspection, reform_areas.tthc, "Niêm yết đầy đủ TTHC.", FindingKind.RECOMMENDATION
        )
        task = services.task_create(
            inspection=inspection,
            description="Niêm yết đầy đủ TTHC, báo cáo kết quả khắc phục trước ngày 30/8/2024.",
            deadline=datetime.date(2024, 8, 30),
            finding=recommendation,
        )
        assert (task.responsible_unit, task.reform_area, task.status) == (
            units.district_a,
            reform_areas.tthc,
            TaskStatus.OPEN,
        )

    def test_a_deadline_before_the_inspection_is_rejected(self, inspection):
        with pytest.raises(ValidationError) as excinfo:
            services.task_create(
                inspection=inspection, description="Báo cáo khắc phục.", deadline=datetime.date(2024, 6, 14)
            )
        assert excinfo.value.message_dict == {
            "deadline": ["Hạn báo cáo không được trước ngày kiểm tra (15/06/2024)."]
        }
        assert not RemediationTask.objects.filter(inspection=inspection).exists()

    def test_a_task_from_a_shortcoming_is_rejected(self, inspection, reform_areas):
        shortcoming = add(inspection, reform_areas.tthc, "Chưa niêm yết TTHC.")
        with pytest.raises(ValidationError) as excinfo:
            services.task_create(
                inspection=inspection,
                description="Báo cáo khắc phục.",
                deadline=datetime.date(2024, 8, 30),
                finding=shortcoming,
            )
        assert excinfo.value.message_dict == {
            "finding": ["Chỉ nội dung kiến nghị mới tạo được nhiệm vụ khắc phục."]
        }

    def test_a_recommendation_of_another_inspection_is_rejected(self, inspection, plan, units, reform_areas):
        other = services.inspection_create(
            plan=plan, unit=units.district_b, inspected_on=datetime.date(2024, 6, 20)
        )
        foreign = FindingFactory(inspection=other, recommendation=True, reform_area=reform_areas.tthc)
        with pytest.raises(ValidationError) as excinfo:
            services.task_create(
                inspection=inspection,
                description="Báo cáo khắc phục.",
                deadline=datetime.date(2024, 8, 30),
                finding=foreign,
            )
        assert excinfo.value.message_dict == {"finding": ["Kiến nghị không thuộc cuộc kiểm tra này."]}

    def test_a_blank_description_is_rejected(self, inspection):
        with pytest.raises(ValidationError) as excinfo:
            services.task_create(
                inspection=inspection, description="   ", deadline=datetime.date(2024, 8, 30)
            )
        assert excinfo.value.message_dict == {"description": ["Nội dung nhiệm vụ không được để trống."]}
