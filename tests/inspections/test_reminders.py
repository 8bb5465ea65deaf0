"""The daily reminder job (inspections/reminders.py, the Celery task
inspections.send_reminders): run against a fixed date it e-mails exactly
the reminders due that day, once, and leaves the same in the in-app list."""

import datetime
import time

import pytest
from django.core.mail.backends import locmem
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from cchc.choices import Role
from cchc.jobs.kinds import TRANSIENT_ERRORS, TRANSIENT_RETRIES
from cchc.models import Notification
from inspections.models import ReminderLog
from inspections.reminders import reminders_due, reminders_send
from inspections.tasks import send_reminders
from tests.factories import InspectionFactory, InspectionPlanFactory, RemediationTaskFactory

TODAY = datetime.date(2025, 3, 10)
DAY = datetime.timedelta(days=1)

SEVEN_DAYS = "Còn 7 ngày đến hạn báo cáo khắc phục"
ONE_DAY = "Còn 1 ngày đến hạn báo cáo khắc phục"
OVERDUE_DUY_XUYEN = "Quá hạn báo cáo khắc phục: UBND huyện Duy Xuyên"
OVERDUE_DAI_LOC = "Quá hạn báo cáo khắc phục: UBND huyện Đại Lộc"


def sent(mailoutbox) -> list[tuple[str, str]]:
    """(recipient, subject) of every e-mail, sorted: one recipient each."""
    assert all(len(message.to) == 1 for message in mailoutbox)
    return sorted((message.to[0], message.subject) for message in mailoutbox)


@pytest.fixture
def tasks(scenario):
    """Tasks around TODAY: four reminders are due, the rest are not."""

    def task(inspection, deadline, description, **traits):
        return RemediationTaskFactory(
            inspection=inspection, deadline=deadline, description=description, **traits
        )

    return {
        # Due today.
        "in_7_days": task(scenario.issued_district_a, TODAY + 7 * DAY, "Niêm yết thủ tục hành chính."),
        "in_1_day": task(scenario.issued_district_b, TODAY + DAY, "Kiện toàn Bộ phận Một cửa."),
        "passed_yesterday": task(scenario.issued_district_a, TODAY - DAY, "Ban hành quy chế làm việc."),
        "returned_passed": task(
            scenario.issued_district_b, TODAY - DAY, "Bổ sung quyết định công bố.", returned=True
        ),
        # Not due today.
        "in_3_days": task(scenario.issued_district_a, TODAY + 3 * DAY, "Cập nhật Cổng dịch vụ công."),
        "due_today": task(scenario.issued_district_a, TODAY, "Báo cáo đúng hạn hôm nay."),
        "passed_2_days": task(scenario.issued_district_a, TODAY - 2 * DAY, "Đã nhắc quá hạn hôm qua."),
        "reported": task(
            scenario.issued_district_a, TODAY + 7 * DAY, "Đã báo cáo, chờ xem xét.", reported=True
        ),
        "accepted": task(scenario.issued_district_a, TODAY - DAY, "Đã được chấp nhận.", accepted=True),
        "not_issued": task(scenario.draft_district_a, TODAY + 7 * DAY, "Kết luận chưa ban hành."),
    }


@pytest.fixture
def people(officer_a, leader, officer_b, inspector, outsider):
    return {"officer_a": officer_a, "leader": leader, "officer_b": officer_b}


@pytest.mark.django_db
class TestReminderJob:
    def test_the_reminders_due_are_found(self, tasks):
        due = [(task.pk, kind) for task, kind in reminders_due(TODAY)]
        assert sorted(due) == sorted(
            [
                (tasks["in_7_days"].pk, "before-7"),
                (tasks["in_1_day"].pk, "before-1"),
                (tasks["passed_yesterday"].pk, "overdue"),
                (tasks["returned_passed"].pk, "overdue"),
            ]
        )

    def test_exactly_the_e_mails_due_that_day_are_sent_and_only_once(self, tasks, people, mailoutbox):
        officer_a, leader, officer_b = people["officer_a"], people["leader"], people["officer_b"]

        result = reminders_send(today=TODAY)

        assert result == {"sent": 4, "skipped": 0}
        assert sent(mailoutbox) == sorted(
            [
                (officer_a.email, SEVEN_DAYS),
                (leader.email, SEVEN_DAYS),
                (officer_b.email, ONE_DAY),
                (officer_a.email, OVERDUE_DUY_XUYEN),
                (leader.email, OVERDUE_DUY_XUYEN),
                (officer_b.email, OVERDUE_DAI_LOC),
            ]
        )

        again = reminders_send(today=TODAY)

        assert again == {"sent": 0, "skipped": 4}
        assert len(mailoutbox) == 6

    def test_the_e_mail_names_the_task_its_deadline_and_links_to_it(
        self, tasks, people, mailoutbox, settings
    ):
        reminders_send(today=TODAY)

        (message,) = [m for m in mailoutbox if m.subject == ONE_DAY]
        task = tasks["in_1_day"]
        link = reverse("inspections:inspection_detail", args=[task.inspection_id])
        assert "đến hạn báo cáo ngày 11/03/2025" in message.body
        assert task.description in message.body
        assert message.body.endswith(f"{settings.CCHC_PUBLIC_URL}{link}")
        (overdue,) = [m for m in mailoutbox if m.subject == OVERDUE_DAI_LOC]
        assert "đã quá hạn báo cáo (09/03/2025)" in overdue.body

    def test_each_reminder_is_logged_with_its_recipients(self, tasks, people):
        reminders_send(today=TODAY)
        assert sorted(ReminderLog.objects.values_list("task", "kind", "sent_on", "recipients")) == sorted(
            [
                (tasks["in_7_days"].pk, "before-7", TODAY, 2),
                (tasks["in_1_day"].pk, "before-1", TODAY, 1),
                (tasks["passed_yesterday"].pk, "overdue", TODAY, 2),
                (tasks["returned_passed"].pk, "overdue", TODAY, 1),
            ]
        )

    def test_the_same_events_are_in_the_in_app_list(self, tasks, people):
        reminders_send(today=TODAY)
        link = reverse("inspections:inspection_detail", args=[tasks["in_1_day"].inspection_id])
        assert sorted(Notification.objects.values_list("user__username", "message")) == sorted(
            [
                ("canbo.duyxuyen", SEVEN_DAYS),
                ("lanhdao.duyxuyen", SEVEN_DAYS),
                ("canbo.dailoc", ONE_DAY),
                ("canbo.duyxuyen", OVERDUE_DUY_XUYEN),
                ("lanhdao.duyxuyen", OVERDUE_DUY_XUYEN),
                ("canbo.dailoc", OVERDUE_DAI_LOC),
            ]
        )
        assert Notification.objects.get(message=ONE_DAY).link == link

    def test_the_next_day_brings_only_the_next_days_reminders(self, tasks, people, mailoutbox):
        reminders_send(today=TODAY)
        mailoutbox.clear()

        # On the 11th: the task due on the 10th has just passed; nothing else.
        reminders_send(today=TODAY + DAY)

        assert sent(mailoutbox) == sorted(
            [(people["officer_a"].email, OVERDUE_DUY_XUYEN), (people["leader"].email, OVERDUE_DUY_XUYEN)]
        )
        assert ReminderLog.objects.get(task=tasks["due_today"]).kind == "overdue"

    def test_the_days_before_are_configurable(self, tasks, people, mailoutbox, settings):
        settings.CCHC_REMINDER_DAYS = [3]
        reminders_send(today=TODAY)
        subjects = {message.subject for message in mailoutbox}
        assert subjects == {"Còn 3 ngày đến hạn báo cáo khắc phục", OVERDUE_DUY_XUYEN, OVERDUE_DAI_LOC}
        assert ReminderLog.objects.filter(kind="before-3").get().task == tasks["in_3_days"]

    def test_a_user_without_e_mail_is_told_in_the_app_only(self, scenario, make_member, units, mailoutbox):
        RemediationTaskFactory(inspection=scenario.issued_district_a, deadline=TODAY + DAY)
        silent = make_member(Role.UNIT_OFFICER, units.district_a, email="")

        assert reminders_send(today=TODAY) == {"sent": 1, "skipped": 0}

        assert mailoutbox == []
        assert list(Notification.objects.values_list("user", "message")) == [(silent.pk, ONE_DAY)]
        assert ReminderLog.objects.get().recipients == 1

    def test_a_task_of_an_ended_unit_reminds_its_successors_officers(
        self, scenario, successor_officer, make_member, units, mailoutbox
    ):
        RemediationTaskFactory(inspection=scenario.issued_old_commune, deadline=TODAY + 7 * DAY)
        make_member(Role.UNIT_OFFICER, units.district_b)  # the old commune's district: not told

        reminders_send(today=TODAY)

        assert sent(mailoutbox) == [(successor_officer.email, SEVEN_DAYS)]

    def test_a_day_without_deadlines_sends_nothing(self, tasks, people, mailoutbox):
        assert reminders_send(today=datetime.date(2025, 1, 1)) == {"sent": 0, "skipped": 0}
        assert mailoutbox == []
        assert not ReminderLog.objects.exists()


@pytest.mark.django_db
def test_the_daily_task_uses_todays_date(scenario, officer_a, mailoutbox):
    today = timezone.localdate()
    task = RemediationTaskFactory(inspection=scenario.issued_district_a, deadline=today + 7 * DAY)

    result = send_reminders()
    assert (result["sent"], result["skipped"]) == (1, 0)

    assert sent(mailoutbox) == [(officer_a.email, SEVEN_DAYS)]
    assert list(ReminderLog.objects.values_list("task", "kind", "sent_on")) == [(task.pk, "before-7", today)]


def test_celery_beat_runs_the_job_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-remediation-reminders"]
    assert entry["task"] == send_reminders.name == "inspections.send_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})


@pytest.mark.worker
def test_a_real_worker_runs_the_job_and_a_second_run_sends_nothing(
    celery_worker, mailoutbox, make_member, units
):
    officer = make_member(Role.UNIT_OFFICER, units.district_a, username="canbo.worker")
    plan = InspectionPlanFactory(year=2025, issuer=units.province)
    inspection = InspectionFactory(plan=plan, unit=units.district_a, issued=True)
    task = RemediationTaskFactory(inspection=inspection, deadline=timezone.localdate() + DAY)

    send_reminders.delay()
    _wait_for(lambda: ReminderLog.objects.filter(task=task, recipients=1).exists())

    assert sent(mailoutbox) == [(officer.email, ONE_DAY)]
    assert ReminderLog.objects.get(task=task).recipients == 1
    # A second run the same day (here in the test process) sends nothing.
    again = send_reminders()
    assert (again["sent"], again["skipped"]) == (0, 1)
    assert len(mailoutbox) == 1


def _wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OperationalError:
            pass  # SQLite's shared in-memory test database locks a table while the worker writes it.
        time.sleep(0.05)
    raise AssertionError("The worker did not run the reminder job in time.")


class RecordingBackend(locmem.EmailBackend):
    """The test outbox, noting for each e-mail whether it left inside a
    transaction (which could still roll back, and send it again)."""

    in_transaction: list[bool] = []

    def send_messages(self, messages):
        RecordingBackend.in_transaction += [connection.in_atomic_block] * len(messages)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_e_mails_leave_only_once_their_reminder_is_committed(tasks, people, settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.RecordingBackend"
    RecordingBackend.in_transaction = []

    assert reminders_send(today=TODAY) == {"sent": 4, "skipped": 0}

    assert len(RecordingBackend.in_transaction) == len(mailoutbox) == 6
    assert not any(RecordingBackend.in_transaction)
    assert sorted(ReminderLog.objects.values_list("recipients", flat=True)) == [1, 1, 2, 2]


def test_the_daily_task_is_retried_on_transient_errors():
    assert set(TRANSIENT_ERRORS) <= set(send_reminders.autoretry_for)
    assert send_reminders.max_retries == TRANSIENT_RETRIES
