import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspections.choices import FindingKind, InspectionStatus, TaskStatus, TeamRole
from inspections.models import Finding, Inspection, RemediationTask, TeamMember
from tests.factories import (
    FindingFactory,
    InspectionFactory,
    InspectionPlanFactory,
    InspectionTeamFactory,
    ReformAreaFactory,
    RemediationTaskFactory,
    TeamMemberFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

EMPTY_TEXT = "Nội dung không được để trống."


class TestFinding:
    @pytest.mark.parametrize("text", ["", "   \n\t "])
    def test_a_finding_without_text_is_invalid(self, text):
        finding = FindingFactory.build(
            inspection=InspectionFactory(), reform_area=ReformAreaFactory(), text=text, position=1
        )
        with pytest.raises(ValidationError) as excinfo:
            finding.full_clean()
        assert EMPTY_TEXT in excinfo.value.message_dict["text"]

    def test_text_is_stripped_by_validation(self):
        finding = FindingFactory.build(
            inspection=InspectionFactory(), reform_area=ReformAreaFactory(), text="  Chưa niêm yết TTHC.  "
        )
        finding.full_clean()
        assert finding.text == "Chưa niêm yết TTHC."

    def test_the_database_refuses_an_empty_text(self):
        inspection = InspectionFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            FindingFactory(inspection=inspection, text="")
        assert not Finding.objects.filter(inspection=inspection).exists()

    def test_factory_numbers_points_within_their_part(self):
        inspection = InspectionFactory()
        first, second = FindingFactory.create_batch(2, inspection=inspection)
        recommendation = FindingFactory(inspection=inspection, recommendation=True)
        assert (first.position, second.position, recommendation.position) == (1, 2, 1)


class TestInspection:
    def test_a_unit_not_in_the_plan_is_rejected(self):
        plan = InspectionPlanFactory()
        planned = UnitFactory(district=True, parent=plan.issuer)
        plan.planned_units.add(planned)
        other = UnitFactory(district=True, parent=plan.issuer, short_name="UBND huyện Nông Sơn")
        inspection = Inspection(plan=plan, unit=other, inspected_on=datetime.date(2024, 6, 1))
        with pytest.raises(ValidationError) as excinfo:
            inspection.full_clean()
        assert excinfo.value.message_dict == {
            "unit": ["Đơn vị UBND huyện Nông Sơn không có trong danh sách được kiểm tra của kế hoạch."]
        }

    def test_factory_keeps_the_unit_in_the_plan(self):
        inspection = InspectionFactory()
        assert list(inspection.plan.planned_units.all()) == [inspection.unit]
        inspection.full_clean()

    def test_an_inspection_before_the_plan_is_rejected(self):
        inspection = InspectionFactory(plan=InspectionPlanFactory(issued_on=datetime.date(2024, 4, 16)))
        inspection.inspected_on = datetime.date(2024, 4, 1)
        with pytest.raises(ValidationError) as excinfo:
            inspection.full_clean()
        assert excinfo.value.message_dict == {
            "inspected_on": ["Ngày kiểm tra không được trước ngày ban hành kế hoạch (16/04/2024)."]
        }

    def test_a_team_of_another_plan_is_rejected(self):
        inspection = InspectionFactory()
        inspection.team = InspectionTeamFactory()
        with pytest.raises(ValidationError) as excinfo:
            inspection.full_clean()
        assert excinfo.value.message_dict == {"team": ["Đoàn kiểm tra không thuộc kế hoạch này."]}

    def test_the_issued_trait_is_concluded_with_a_notice_date(self):
        inspection = InspectionFactory(issued=True)
        assert inspection.status == InspectionStatus.CONCLUDED
        assert inspection.is_issued
        assert list(Inspection.objects.issued()) == [inspection]

    def test_the_database_refuses_a_concluded_inspection_without_notice_date(self):
        inspection = InspectionFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Inspection.objects.filter(pk=inspection.pk).update(status=InspectionStatus.CONCLUDED)
        assert Inspection.objects.get(pk=inspection.pk).status == InspectionStatus.IN_PROGRESS


class TestTeam:
    def test_one_head_per_team(self):
        team = InspectionTeamFactory()
        TeamMemberFactory(team=team, role=TeamRole.HEAD, full_name="Nguyễn Văn Hương")
        with pytest.raises(IntegrityError), transaction.atomic():
            TeamMemberFactory(team=team, role=TeamRole.HEAD, full_name="Trần Thị Lan")
        assert [m.full_name for m in team.members.filter(role=TeamRole.HEAD)] == ["Nguyễn Văn Hương"]

    def test_a_second_head_fails_validation_with_its_message(self):
        team = InspectionTeamFactory()
        TeamMemberFactory(team=team, role=TeamRole.HEAD)
        second = TeamMember(team=team, full_name="Trần Thị Lan", role=TeamRole.HEAD)
        with pytest.raises(ValidationError) as excinfo:
            second.full_clean()
        assert excinfo.value.messages == ["Mỗi đoàn chỉ có một trưởng đoàn."]

    def test_heads_of_different_teams_and_several_deputies_are_allowed(self):
        team = InspectionTeamFactory()
        head = TeamMemberFactory(team=team, role=TeamRole.HEAD)
        TeamMemberFactory.create_batch(2, team=team, role=TeamRole.DEPUTY)
        TeamMemberFactory(team=InspectionTeamFactory(), role=TeamRole.HEAD)
        assert team.head == head
        assert team.members.count() == 3


class TestRemediationTask:
    def test_a_deadline_before_the_inspection_is_rejected(self):
        inspection = InspectionFactory(inspected_on=datetime.date(2024, 6, 15))
        task = RemediationTaskFactory.build(
            inspection=inspection, responsible_unit=inspection.unit, deadline=datetime.date(2024, 6, 14)
        )
        with pytest.raises(ValidationError) as excinfo:
            task.full_clean()
        assert excinfo.value.message_dict == {
            "deadline": ["Hạn báo cáo không được trước ngày kiểm tra (15/06/2024)."]
        }

    def test_a_deadline_on_the_inspection_day_is_accepted(self):
        inspection = InspectionFactory(inspected_on=datetime.date(2024, 6, 15))
        task = RemediationTaskFactory.build(
            inspection=inspection, responsible_unit=inspection.unit, deadline=datetime.date(2024, 6, 15)
        )
        task.full_clean()

    def test_the_database_refuses_an_accepted_task_without_date(self):
        task = RemediationTaskFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            RemediationTask.objects.filter(pk=task.pk).update(status=TaskStatus.ACCEPTED)
        assert RemediationTask.objects.get(pk=task.pk).status == TaskStatus.OPEN


class TestOverdue:
    TODAY = datetime.date(2026, 3, 10)

    @pytest.fixture
    def tasks(self):
        inspection = InspectionFactory(issued=True, inspected_on=datetime.date(2025, 11, 1))
        past = datetime.date(2026, 3, 9)
        return {
            "open_past": RemediationTaskFactory(inspection=inspection, deadline=past),
            "returned_past": RemediationTaskFactory(inspection=inspection, deadline=past, returned=True),
            "reported_past": RemediationTaskFactory(inspection=inspection, deadline=past, reported=True),
            "accepted_past": RemediationTaskFactory(inspection=inspection, deadline=past, accepted=True),
            "open_today": RemediationTaskFactory(inspection=inspection, deadline=self.TODAY),
            "returned_future": RemediationTaskFactory(
                inspection=inspection, deadline=datetime.date(2026, 4, 30), returned=True
            ),
        }

    def test_annotation_marks_open_and_returned_tasks_past_their_deadline(self, tasks):
        overdue = dict(RemediationTask.objects.with_deadline_facts(self.TODAY).values_list("pk", "overdue"))
        assert {name: overdue[task.pk] for name, task in tasks.items()} == {
            "open_past": True,
            "returned_past": True,
            "reported_past": False,
            "accepted_past": False,
            "open_today": False,
            "returned_future": False,
        }

    def test_overdue_filter_agrees_with_the_annotation(self, tasks):
        assert set(RemediationTask.objects.overdue(self.TODAY)) == {
            tasks["open_past"],
            tasks["returned_past"],
        }

    def test_overdue_follows_the_day_asked_about(self, tasks):
        later = datetime.date(2026, 5, 1)
        assert set(RemediationTask.objects.overdue(later)) == {
            tasks["open_past"],
            tasks["returned_past"],
            tasks["open_today"],
            tasks["returned_future"],
        }
        assert not RemediationTask.objects.overdue(datetime.date(2026, 3, 9)).exists()

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (TaskStatus.OPEN, True),
            (TaskStatus.RETURNED, True),
            (TaskStatus.REPORTED, False),
            (TaskStatus.ACCEPTED, False),
        ],
    )
    def test_overdue_annotation_uses_today_by_default(self, status, expected):
        today = timezone.localdate()
        inspection = InspectionFactory(
            issued=True,
            plan=InspectionPlanFactory(year=2025, issued_on=datetime.date(2025, 1, 2)),
            inspected_on=datetime.date(2025, 3, 1),
        )
        accepted_at = timezone.now() if status == TaskStatus.ACCEPTED else None
        yesterday = RemediationTaskFactory(
            inspection=inspection,
            status=status,
            accepted_at=accepted_at,
            deadline=today - datetime.timedelta(days=1),
        )
        due_today = RemediationTaskFactory(
            inspection=inspection, status=status, accepted_at=accepted_at, deadline=today
        )
        annotated = RemediationTask.objects.with_deadline_facts()
        assert annotated.get(pk=yesterday.pk).overdue is expected
        assert annotated.get(pk=due_today.pk).overdue is False

    def test_days_left_and_days_overdue(self, tasks):
        facts = RemediationTask.objects.with_deadline_facts(self.TODAY)
        assert facts.get(pk=tasks["returned_future"].pk).days_left == 51
        assert facts.get(pk=tasks["open_today"].pk).days_left == 0
        past = facts.get(pk=tasks["open_past"].pk)
        assert (past.days_left, past.days_overdue) == (-1, 1)

    def test_due_soon_is_open_and_within_the_setting_days(self, tasks, settings):
        settings.CCHC_TASK_DUE_SOON_DAYS = 7
        soon = dict(RemediationTask.objects.with_deadline_facts(self.TODAY).values_list("pk", "due_soon"))
        assert {name for name, task in tasks.items() if soon[task.pk]} == {"open_today"}
        later = datetime.date(2026, 4, 23)
        soon = dict(RemediationTask.objects.with_deadline_facts(later).values_list("pk", "due_soon"))
        assert {name for name, task in tasks.items() if soon[task.pk]} == {"returned_future"}


def test_finding_kinds_print_in_conclusion_order():
    assert list(FindingKind.values) == ["achievement", "shortcoming", "recommendation"]
