"""The inspected unit hears of what concerns it (issue 16, item 6): a
published conclusion, and the review of its remediation report, in the app
and by e-mail."""

import pytest
from django.core import mail

from cchc.choices import DocumentStatus
from cchc.documents import services
from cchc.models import Notification, OfficialDocument
from inspections.drafting import notice_draft


def test_publishing_a_conclusion_tells_the_inspected_unit(
    inspection, inspector, officer_a, units, django_capture_on_commit_callbacks
):
    assert inspection.unit == units.district_a
    draft = notice_draft(inspection=inspection, user=inspector)
    services.document_number(document=draft, user=inspector)
    OfficialDocument.objects.filter(pk=draft.pk).update(status=DocumentStatus.SIGNED)
    draft.refresh_from_db()
    officer_a.email = "vanphong@duyxuyen.example"
    officer_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.document_publish(document=draft, user=inspector)
    (note,) = Notification.objects.filter(user=officer_a)
    assert note.message == f"Đã có kết luận kiểm tra: {draft.number_symbol}"
    assert note.link == f"/inspections/{inspection.pk}/"
    assert [message.to for message in mail.outbox] == [["vanphong@duyxuyen.example"]]
    assert not Notification.objects.filter(user=inspector).exists()


def test_the_leader_lands_on_the_dashboard_the_officer_on_the_unit_home(client, leader, officer_a, inspector):
    for user, page in (
        (leader, "/dashboards/"),
        (officer_a, "/inspections/my-unit/"),
        (inspector, "/inspections/"),
    ):
        client.force_login(user)
        assert client.get("/")["Location"] == page, user
        client.logout()


def test_a_403_is_in_vietnamese_with_a_way_home(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/dashboards/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Không có quyền truy cập" in page and 'href="/"' in page and "Forbidden" not in page


@pytest.mark.parametrize("path", ["/no-such-page/", "/verify/ZZZZZZZZZZ/"])
def test_a_404_is_in_vietnamese_with_a_way_home(client, db, settings, path):
    settings.DEBUG = False
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert 'href="/"' in page and "Về trang chủ" in page
    expected = "Không tìm thấy văn bản với mã này" if path.startswith("/verify/") else "Không tìm thấy trang"
    assert expected in page


def test_a_500_is_in_vietnamese_with_a_way_home(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("vi"):  # what the language middleware chose for the request
        response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "Lỗi hệ thống" in page and 'href="/"' in page
