"""The services behind in-place editing (moving, pasting, bulk deadlines)
and the history and scope selectors the editing pages rely on."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cchc.access import can
from inspections import selectors, services
from inspections.choices import FindingKind
from inspections.models import Finding, RemediationTask
from tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db

SHORTCOMING = FindingKind.SHORTCOMING


@pytest.fixture
def draft(scenario):
    # Duy Xuyên, province plan 512/KH-UBND, inspected on 11/04/2025.
    return scenario.draft_district_a


@pytest.fixture
def three(draft, reform_areas, inspector):
    return [
        services.finding_create(
            inspection=draft, kind=SHORTCOMING, reform_area=reform_areas.tthc, text=text, created_by=inspector
        )
        for text in ("Tồn tại một.", "Tồn tại hai.", "Tồn tại ba.")
    ]


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


class TestFindingMove:
    def test_up_and_down_swap_with_the_neighbour(self, draft, three, inspector):
        services.finding_move(finding=three[2], offset=-1, user=inspector)
        assert texts(draft) == ["Tồn tại một.", "Tồn tại ba.", "Tồn tại hai."]

        services.finding_move(finding=three[0], offset=1, user=inspector)
        assert texts(draft) == ["Tồn tại ba.", "Tồn tại một.", "Tồn tại hai."]
        assert positions(draft) == [1, 2, 3]

    @pytest.mark.parametrize(("index", "offset"), [(0, -1), (2, 1), (0, -5), (2, 9)])
    def test_the_ends_stay_put(self, draft, three, index, offset):
        services.finding_move(finding=three[index], offset=offset)
        assert texts(draft) == ["Tồn tại một.", "Tồn tại hai.", "Tồn tại ba."]

    def test_only_the_points_that_moved_get_a_history_record(self, draft, three, administrator):
        services.finding_move(finding=three[2], offset=-1, user=administrator)

        moved = Finding.history.filter(inspection_id=draft.pk, history_type="~")
        assert sorted((r.text, r.position, r.history_user) for r in moved) == [
            ("Tồn tại ba.", 2, administrator),
            ("Tồn tại hai.", 3, administrator),
        ]


class TestFindingsCreateMany:
    def test_points_are_added_after_the_existing_ones_in_order(self, draft, three, reform_areas, inspector):
        services.findings_create_many(
            inspection=draft,
            kind=SHORTCOMING,
            reform_area=reform_areas.cong_vu,
            texts=["Dán một.", "Dán hai."],
            created_by=inspector,
        )

        assert texts(draft) == ["Tồn tại một.", "Tồn tại hai.", "Tồn tại ba.", "Dán một.", "Dán hai."]
        assert positions(draft) == [1, 2, 3, 4, 5]

    def test_one_bad_point_saves_none_of_them(self, draft, three, reform_areas):
        with pytest.raises(ValidationError):
            services.findings_create_many(
                inspection=draft, kind=SHORTCOMING, reform_area=reform_areas.cong_vu, texts=["Dán một.", "  "]
            )

        assert texts(draft) == ["Tồn tại một.", "Tồn tại hai.", "Tồn tại ba."]

    def test_an_area_not_valid_for_the_plan_year_saves_nothing(self, draft, reform_areas):
        with pytest.raises(ValidationError) as excinfo:
            services.findings_create_many(
                inspection=draft, kind=SHORTCOMING, reform_area=reform_areas.hien_dai_hoa, texts=["Một."]
            )

        assert list(excinfo.value.message_dict) == ["reform_area"]
        assert texts(draft) == []


class TestFindingUpdateConflict:
    def test_the_refusal_names_who_saved_the_newer_version(self, three, reform_areas, make_member, units):
        colleague = make_member("inspector", units.province, full_name="Lê Thị Mai")
        services.finding_update(
            finding=three[0],
            expected_version=1,
            text="Bản mới.",
            reform_area=reform_areas.tthc,
            updated_by=colleague,
        )

        with pytest.raises(services.StaleEditError) as excinfo:
            services.finding_update(
                finding=three[0], expected_version=1, text="Bản cũ.", reform_area=reform_areas.tthc
            )

        assert excinfo.value.messages[0].startswith("Nội dung này đã được Lê Thị Mai sửa lúc ")
        assert Finding.objects.get(pk=three[0].pk).text == "Bản mới."


class TestTasksSetDeadline:
    @pytest.fixture
    def tasks(self, draft, units):
        return {
            "open": RemediationTaskFactory(inspection=draft, deadline=datetime.date(2025, 6, 30)),
            "reported": RemediationTaskFactory(
                inspection=draft, reported=True, deadline=datetime.date(2025, 6, 30)
            ),
            "returned": RemediationTaskFactory(
                inspection=draft, returned=True, deadline=datetime.date(2025, 6, 30)
            ),
            "accepted": RemediationTaskFactory(
                inspection=draft, accepted=True, deadline=datetime.date(2025, 5, 31)
            ),
        }

    def deadlines(self, tasks):
        return {name: RemediationTask.objects.get(pk=task.pk).deadline for name, task in tasks.items()}

    def test_every_task_not_yet_accepted_gets_the_deadline(self, draft, tasks, inspector):
        count = services.tasks_set_deadline(
            inspection=draft, deadline=datetime.date(2025, 8, 15), user=inspector
        )

        assert count == 3
        assert self.deadlines(tasks) == {
            "open": datetime.date(2025, 8, 15),
            "reported": datetime.date(2025, 8, 15),
            "returned": datetime.date(2025, 8, 15),
            "accepted": datetime.date(2025, 5, 31),
        }

    def test_each_change_is_in_the_history_with_its_user(self, draft, tasks, inspector):
        services.tasks_set_deadline(inspection=draft, deadline=datetime.date(2025, 8, 15), user=inspector)

        changed = RemediationTask.history.filter(inspection_id=draft.pk, history_type="~")
        assert sorted(r.id for r in changed) == sorted(tasks[n].pk for n in ("open", "reported", "returned"))
        assert {(r.deadline, r.history_user) for r in changed} == {(datetime.date(2025, 8, 15), inspector)}

    def test_a_deadline_before_the_inspection_changes_no_task(self, draft, tasks):
        before = self.deadlines(tasks)

        with pytest.raises(ValidationError) as excinfo:
            services.tasks_set_deadline(inspection=draft, deadline=datetime.date(2025, 4, 10))

        assert excinfo.value.message_dict == {
            "deadline": ["Hạn báo cáo không được trước ngày kiểm tra (11/04/2025)."]
        }
        assert self.deadlines(tasks) == before

    def test_other_inspections_are_not_touched(self, draft, tasks, scenario):
        elsewhere = RemediationTaskFactory(inspection=scenario.issued_district_b)
        before = elsewhere.deadline

        services.tasks_set_deadline(inspection=draft, deadline=datetime.date(2025, 8, 15))

        elsewhere.refresh_from_db()
        assert elsewhere.deadline == before


class TestTaskFromRecommendation:
    def test_the_task_inherits_the_area_and_the_inspected_unit(self, draft, reform_areas, units, inspector):
        recommendation = services.finding_create(
            inspection=draft,
            kind=FindingKind.RECOMMENDATION,
            reform_area=reform_areas.cong_vu,
            text="Kiến nghị.",
        )

        task = services.task_create(
            inspection=draft,
            finding=recommendation,
            description=recommendation.text,
            deadline=datetime.date(2025, 7, 1),
            created_by=inspector,
        )

        assert (task.responsible_unit, task.reform_area, task.finding) == (
            units.district_a,
            reform_areas.cong_vu,
            recommendation,
        )

    def test_a_shortcoming_cannot_become_a_task(self, draft, three):
        with pytest.raises(ValidationError) as excinfo:
            services.task_create(
                inspection=draft,
                finding=three[0],
                description=three[0].text,
                deadline=datetime.date(2025, 7, 1),
            )

        assert excinfo.value.message_dict == {
            "finding": ["Chỉ nội dung kiến nghị mới tạo được nhiệm vụ khắc phục."]
        }
        assert not RemediationTask.objects.filter(inspection=draft).exists()


class TestInspectionHistory:
    def summary(self, draft):
        return [
            (entry.who, entry.action, entry.subject, entry.changes)
            for entry in selectors.inspection_history(draft)
        ]

    def test_who_added_changed_and_removed_what_newest_first(
        self, draft, three, reform_areas, inspector, administrator
    ):
        services.finding_update(
            finding=three[1],
            expected_version=1,
            text="Tồn tại hai, đã sửa.",
            reform_area=reform_areas.cong_vu,
            updated_by=administrator,
        )
        services.finding_delete(finding=Finding.objects.get(pk=three[0].pk), deleted_by=administrator)

        # The points after a deleted one move up by a bulk update: the
        # deletion is the change recorded, not their new numbers.
        assert self.summary(draft) == [
            (administrator, "xóa", "Tồn tại, hạn chế, điểm 1", []),
            (administrator, "sửa", "Tồn tại, hạn chế, điểm 2", ["nội dung", "lĩnh vực"]),
            (inspector, "thêm", "Tồn tại, hạn chế, điểm 3", []),
            (inspector, "thêm", "Tồn tại, hạn chế, điểm 2", []),
            (inspector, "thêm", "Tồn tại, hạn chế, điểm 1", []),
        ]

    def test_a_save_that_changes_nothing_shown_is_left_out(self, draft, three):
        Finding.objects.get(pk=three[0].pk).save()

        assert [entry.action for entry in selectors.inspection_history(draft)] == ["thêm", "thêm", "thêm"]

    def test_task_changes_are_listed_with_what_changed(self, draft, inspector):
        task = RemediationTaskFactory(inspection=draft, description="Rà soát quy trình nội bộ.")
        services.tasks_set_deadline(inspection=draft, deadline=datetime.date(2025, 9, 1), user=inspector)

        latest = selectors.inspection_history(draft)[0]
        assert (latest.who, latest.action, latest.subject, latest.changes, latest.excerpt) == (
            inspector,
            "sửa",
            "nhiệm vụ khắc phục",
            ["hạn báo cáo"],
            task.description,
        )

    def test_the_history_is_that_of_one_inspection(self, draft, three, scenario, reform_areas):
        services.finding_create(
            inspection=scenario.draft_commune_a,
            kind=SHORTCOMING,
            reform_area=reform_areas.tthc,
            text="Nơi khác.",
        )

        assert "Nơi khác." not in [entry.excerpt for entry in selectors.inspection_history(draft)]


class TestEditableScope:
    def test_province_inspectors_edit_every_inspection_of_the_provinces_plans(self, inspector, scenario):
        editable = set(selectors.inspections_editable(inspector))
        assert scenario.draft_district_a in editable
        assert scenario.draft_commune_a in editable, "the district's plan is under the province"

    def test_a_district_inspector_edits_the_districts_plans_only(self, district_inspector, scenario):
        assert set(selectors.inspections_editable(district_inspector)) == {scenario.draft_commune_a}
        assert not can(district_inspector, "finding.edit", scenario.draft_district_a)

    @pytest.mark.parametrize("user_fixture", ["leader", "officer_a", "other_province_inspector", "outsider"])
    def test_nobody_else_edits(self, request, user_fixture, scenario):
        user = request.getfixturevalue(user_fixture)
        assert not selectors.inspections_editable(user).exists()
