"""Units that changed (inspections/handlers.py on cchc.services.unit_end): a
task of a unit that ended passes to its successor, whose officers see it
and report on it, and the history says so; with several successors the task
stays and the officers of every successor see it and report on it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cchc.access import clear_scope_cache
from cchc.choices import AuditKind, Role, UnitKind
from cchc.models import AuditEvent
from cchc.services import unit_create, unit_end
from inspections import handover, remediation
from inspections.choices import RemediationReportStatus, TaskStatus
from inspections.models import RemediationReport
from inspections.reminders import reminders_send
from tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db

LAST_DAY = datetime.date(2025, 6, 30)
UNIT_HOME = reverse("inspections:unit_home")


def new_commune(name: str):
    return unit_create(
        name=f"Ủy ban nhân dân xã {name}",
        short_name=f"UBND xã {name}",
        kind=UnitKind.COMMUNE,
        valid_from=LAST_DAY + datetime.timedelta(days=1),
    )


def unit_home_tasks(client, user) -> list[int]:
    client.force_login(user)
    response = client.get(UNIT_HOME)
    assert response.status_code == 200
    return [task.pk for task in response.context["tasks"]]


@pytest.fixture
def tasks(scenario):
    """Đại Hiệp's tasks from the 2024 inspection, one in each state."""
    inspection = scenario.issued_commune_b
    due = datetime.date(2025, 9, 30)
    day = datetime.timedelta(days=1)
    return {
        "open": RemediationTaskFactory(
            inspection=inspection, deadline=due, description="Niêm yết thủ tục tại xã."
        ),
        "returned": RemediationTaskFactory(
            inspection=inspection, deadline=due + day, returned=True, description="Bổ sung quy chế."
        ),
        "reported": RemediationTaskFactory(
            inspection=inspection, deadline=due + 2 * day, reported=True, description="Đã báo cáo."
        ),
        "accepted": RemediationTaskFactory(
            inspection=inspection, deadline=due + 3 * day, accepted=True, description="Đã xong."
        ),
    }


@pytest.fixture
def old_officer(make_member, units):
    # Appointed while Đại Hiệp still existed.
    return make_member(Role.UNIT_OFFICER, units.commune_b, username="canbo.daihiep")


@pytest.fixture
def dai_loc(db):
    return new_commune("Đại Lộc")


@pytest.fixture
def ha_nha(db):
    return new_commune("Hà Nha")


class TestOneSuccessor:
    @pytest.fixture
    def ended(self, units, tasks, old_officer, dai_loc):
        unit_end(unit=units.commune_b, last_day=LAST_DAY, successors=[dai_loc])
        for task in tasks.values():
            task.refresh_from_db()
        return dai_loc

    def test_open_tasks_pass_to_the_successor_and_accepted_ones_stay(self, ended, tasks, units):
        assert {name: task.responsible_unit for name, task in tasks.items()} == {
            "open": ended,
            "returned": ended,
            "reported": ended,
            "accepted": units.commune_b,
        }
        assert {name: task.status for name, task in tasks.items()} == {
            "open": TaskStatus.OPEN,
            "returned": TaskStatus.RETURNED,
            "reported": TaskStatus.REPORTED,
            "accepted": TaskStatus.ACCEPTED,
        }

    def test_the_history_names_the_old_unit_and_its_successor(self, ended, tasks, units):
        record = tasks["open"].history.first()
        assert record.history_type == "~"
        assert record.responsible_unit_id == ended.pk
        assert record.prev_record.responsible_unit_id == units.commune_b.pk
        assert "Chuyển từ UBND xã Đại Hiệp sang UBND xã Đại Lộc" in record.history_change_reason
        assert tasks["accepted"].history.count() == 1  # untouched

    def test_the_history_gives_the_day_the_successor_took_over(self, ended, tasks):
        reason = tasks["open"].history.first().history_change_reason
        assert (
            reason == "Chuyển từ UBND xã Đại Hiệp sang UBND xã Đại Lộc (đơn vị kế thừa từ ngày 01/07/2025)."
        )

    def test_the_successors_officers_see_the_tasks_and_the_old_officers_only_the_accepted_one(
        self, client, ended, tasks, make_member, old_officer
    ):
        successor_officer = make_member(Role.UNIT_OFFICER, ended, username="canbo.xadailoc")
        # The accepted task stays with Đại Hiệp, whose history the successor
        # inherits: it is listed too, as accepted.
        assert unit_home_tasks(client, successor_officer) == [
            tasks["open"].pk,
            tasks["returned"].pk,
            tasks["reported"].pk,
            tasks["accepted"].pk,
        ]
        assert unit_home_tasks(client, old_officer) == [tasks["accepted"].pk]

    def test_the_successors_officers_report_on_them(
        self, client, ended, tasks, make_member, fill_report, inspector, scenario
    ):
        successor_officer = make_member(Role.UNIT_OFFICER, ended, username="canbo.xadailoc")
        client.force_login(successor_officer)

        response = client.post(reverse("inspections:report_open", args=[scenario.issued_commune_b.pk]))

        report = RemediationReport.objects.get()
        assert response["Location"] == reverse("inspections:report_detail", args=[report.pk])
        assert sorted(item.task_id for item in report.items.all()) == sorted(
            [tasks["open"].pk, tasks["returned"].pk]
        )
        fill_report(report, successor_officer)
        response = client.post(reverse("inspections:report_submit", args=[report.pk]))
        assert response.status_code == 302
        report.refresh_from_db()
        assert (report.status, report.submitted_by) == (RemediationReportStatus.SUBMITTED, successor_officer)
        client.force_login(inspector)
        queue = client.get(reverse("inspections:review_queue"))
        assert [r.pk for r in queue.context["reports"]] == [report.pk]

    def test_reminders_go_to_the_successors_officers(
        self, ended, tasks, make_member, old_officer, mailoutbox
    ):
        successor_officer = make_member(Role.UNIT_OFFICER, ended, username="canbo.xadailoc")
        deadline = tasks["open"].deadline

        reminders_send(today=deadline - datetime.timedelta(days=7))

        assert [(m.to, m.subject) for m in mailoutbox] == [
            ([successor_officer.email], "Còn 7 ngày đến hạn báo cáo khắc phục")
        ]

    def test_the_inspections_history_page_says_the_task_passed_to_the_successor(
        self, client, ended, inspector, scenario
    ):
        client.force_login(inspector)
        response = client.get(reverse("inspections:history", args=[scenario.issued_commune_b.pk]))
        assert response.status_code == 200
        assert "Chuyển từ UBND xã Đại Hiệp sang UBND xã Đại Lộc" in response.content.decode()


class TestTwoSuccessors:
    @pytest.fixture
    def ended(self, units, tasks, old_officer, dai_loc, ha_nha):
        unit_end(unit=units.commune_b, last_day=LAST_DAY, successors=[dai_loc, ha_nha])
        for task in tasks.values():
            task.refresh_from_db()
        return [dai_loc, ha_nha]

    @pytest.fixture
    def officers(self, ended, make_member):
        dai_loc, ha_nha = ended
        return [
            make_member(Role.UNIT_OFFICER, dai_loc, username="canbo.xadailoc"),
            make_member(Role.UNIT_OFFICER, ha_nha, username="canbo.xahanha"),
        ]

    def test_the_tasks_stay_with_the_unit_that_ended(self, ended, tasks, units):
        assert {task.responsible_unit for task in tasks.values()} == {units.commune_b}

    def test_the_history_names_every_successor(self, ended, tasks):
        record = tasks["open"].history.first()
        assert record.history_change_reason == (
            "UBND xã Đại Hiệp kết thúc ngày 30/06/2025; các đơn vị kế thừa: UBND xã Đại Lộc, UBND xã Hà Nha."
        )
        assert tasks["accepted"].history.count() == 1

    def test_every_successors_officers_see_the_tasks(self, client, officers, tasks):
        expected = [tasks[name].pk for name in ("open", "returned", "reported", "accepted")]
        for officer in officers:
            assert sorted(unit_home_tasks(client, officer)) == sorted(expected)
            page = client.get(UNIT_HOME).content.decode()
            assert "Niêm yết thủ tục tại xã." in page

    def test_no_successor_writes_for_the_unit_that_was_split(self, officers, tasks, scenario):
        # Issue 15: each successor writes only what passed to it; the split
        # unit's tasks stay with it, read by every successor, written by none.
        inspection = scenario.issued_commune_b
        before = RemediationReport.objects.count()
        for officer in officers:
            with pytest.raises(ValidationError):
                remediation.report_open(inspection=inspection, user=officer)
        assert RemediationReport.objects.count() == before

    def test_reminders_before_the_hand_over_go_to_the_province_not_the_successors(
        self, officers, tasks, old_officer, inspector, mailoutbox
    ):
        # Issue 15: no successor can report it; the province's inspectors
        # who follow it must hand it over.
        reminders_send(today=tasks["open"].deadline - datetime.timedelta(days=1))
        assert [m.to[0] for m in mailoutbox] == [inspector.email]
        assert {m.subject for m in mailoutbox} == {"Còn 1 ngày đến hạn báo cáo khắc phục"}

    def test_another_unit_still_sees_nothing(self, client, ended, tasks, officer_a):
        assert unit_home_tasks(client, officer_a) == []


class TestAlreadyEnded:
    def test_a_task_given_to_a_unit_that_had_ended_is_seen_and_reported_by_its_successor(
        self, client, scenario, successor_officer, officer_b
    ):
        # Đại Cường ended before the task was written (the conftest units).
        task = RemediationTaskFactory(
            inspection=scenario.issued_old_commune, description="Việc của Đại Cường."
        )

        assert unit_home_tasks(client, successor_officer) == [task.pk]
        report = remediation.report_open(inspection=scenario.issued_old_commune, user=successor_officer)
        assert [item.task for item in report.items.all()] == [task]
        assert remediation.officers_of(task.responsible_unit) == [successor_officer]


class TestHandOver:
    """Issue 15: the province hands each open task of a split unit to one
    successor, which then writes it; its reminders go to that successor."""

    @pytest.fixture
    def ended(self, units, tasks, old_officer, dai_loc, ha_nha):
        unit_end(unit=units.commune_b, last_day=LAST_DAY, successors=[dai_loc, ha_nha])
        for task in tasks.values():
            task.refresh_from_db()
        return [dai_loc, ha_nha]

    @pytest.fixture
    def officers(self, ended, make_member):
        dai_loc, ha_nha = ended
        return [
            make_member(Role.UNIT_OFFICER, dai_loc, username="canbo.xadailoc"),
            make_member(Role.UNIT_OFFICER, ha_nha, username="canbo.xahanha"),
        ]

    def test_the_chosen_successor_writes_the_task_and_the_other_does_not(
        self, ended, officers, tasks, inspector, scenario
    ):
        dai_loc, _ha_nha = ended
        task = handover.task_hand_over(
            task=tasks["open"], successor=dai_loc, user=inspector, reason="Địa bàn thuộc xã Đại Lộc."
        )

        assert task.responsible_unit == dai_loc
        record = task.history.first()
        assert record.history_user == inspector
        assert record.history_change_reason.startswith("Giao từ UBND xã Đại Hiệp cho UBND xã Đại Lộc")
        event = AuditEvent.objects.get(kind=AuditKind.HAND_OVER)
        assert event.user == inspector and event.unit == dai_loc
        assert "Địa bàn thuộc xã Đại Lộc." in event.detail
        clear_scope_cache(officers[0])
        report = remediation.report_open(inspection=scenario.issued_commune_b, user=officers[0])
        assert [item.task for item in report.items.all()] == [task]
        with pytest.raises(ValidationError):
            remediation.report_open(inspection=scenario.issued_commune_b, user=officers[1])

    def test_reminders_then_go_to_that_successor_only(
        self, ended, officers, tasks, inspector, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            handover.task_hand_over(
                task=tasks["open"], successor=ended[1], user=inspector, reason="Xã Hà Nha."
            )
        reminders_send(today=tasks["open"].deadline - datetime.timedelta(days=1))
        reminders = [m for m in mailoutbox if m.subject == "Còn 1 ngày đến hạn báo cáo khắc phục"]
        assert [m.to[0] for m in reminders] == [officers[1].email]
        # The successor was told of the hand-over itself.
        assert any(m.subject == "Nhiệm vụ được giao cho UBND xã Hà Nha" for m in mailoutbox)

    def test_refusals(self, ended, tasks, inspector, units, scenario):
        dai_loc, _ha_nha = ended
        with pytest.raises(ValidationError) as caught:
            handover.task_hand_over(task=tasks["open"], successor=units.commune_a, user=inspector, reason="x")
        assert "không phải đơn vị kế thừa" in str(caught.value)
        with pytest.raises(ValidationError) as caught:
            handover.task_hand_over(task=tasks["open"], successor=dai_loc, user=inspector, reason="  ")
        assert "Phải nêu lý do" in str(caught.value)
        with pytest.raises(ValidationError):
            handover.task_hand_over(task=tasks["accepted"], successor=dai_loc, user=inspector, reason="x")
        # A unit that was not split has nothing to hand over.
        other = RemediationTaskFactory(inspection=scenario.issued_commune_a)
        with pytest.raises(ValidationError) as caught:
            handover.task_hand_over(task=other, successor=dai_loc, user=inspector, reason="x")
        assert "không bị chia tách" in str(caught.value)
        tasks["open"].refresh_from_db()
        assert tasks["open"].responsible_unit == units.commune_b

    def test_the_page_lists_the_successors_and_asks_for_confirmation(
        self, client, ended, tasks, inspector, officers
    ):
        task = tasks["open"]
        page_url = reverse("inspections:task_hand_over", args=[task.pk])
        client.force_login(inspector)
        detail = client.get(reverse("inspections:task_detail", args=[task.pk])).content.decode()
        assert page_url in detail
        page = client.get(page_url).content.decode()
        assert "UBND xã Đại Lộc" in page and "UBND xã Hà Nha" in page

        refused = client.post(page_url, {"successor": ended[0].pk, "reason": "Đại Lộc."})
        assert refused.status_code == 400
        task.refresh_from_db()
        assert task.responsible_unit_id != ended[0].pk

        done = client.post(page_url, {"successor": ended[0].pk, "reason": "Đại Lộc.", "confirm": "on"})
        assert done.status_code == 302
        task.refresh_from_db()
        assert task.responsible_unit_id == ended[0].pk
        # Handed over: no longer a task to hand over.
        assert client.get(page_url).status_code == 404

    def test_unit_officers_may_not(self, client, ended, tasks, officers):
        client.force_login(officers[0])
        url = reverse("inspections:task_hand_over", args=[tasks["open"].pk])
        assert client.post(url, {"successor": ended[0].pk, "reason": "x", "confirm": "on"}).status_code == 403
