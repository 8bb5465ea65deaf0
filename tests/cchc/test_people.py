"""People from Excel: a 500-row file previewed and saved whole, a row with an
unknown unit refusing the whole file with its row number, the one-time link
to set a password, memberships ending with the person or the unit, and the
page of a unit's people."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import Workbook

from cchc.choices import Role
from cchc.models import Membership, User
from cchc.people import person_leave
from cchc.services import membership_create, unit_create, unit_end

HEADER = ["Họ và tên", "Thư điện tử", "Mã đơn vị", "Vai trò", "Từ ngày", "Đến ngày", "Chức vụ"]
ROLES = ["Cán bộ đơn vị", "Cán bộ kiểm tra", "Lãnh đạo", "unit_officer"]


def workbook(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "Người dùng"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "nguoi-dung.xlsx"
    return data


def people_rows(n, codes):
    return [
        [
            f"Nguyễn Văn {i:03d}",
            f"canbo{i:03d}@danang.gov.vn",
            codes[i % len(codes)],
            ROLES[i % len(ROLES)],
            "01/07/2025",
            None,
            "Chuyên viên",
        ]
        for i in range(n)
    ]


@pytest.mark.django_db
def test_500_rows_preview_then_save_in_one_go(
    client, administrator, units, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    codes = ["49", "508", "20620", "506"]
    response = client.post(reverse("people_import"), {"file": workbook(people_rows(500, codes))})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (len(preview.rows), preview.new_users, preview.new_memberships) == (500, 500, 500)
    assert User.objects.count() == 1  # the administrator only: a preview saves nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people_import"), {"save": "1"}, follow=True)
    assert "500 người dùng mới" in response.content.decode()
    assert User.objects.filter(email__endswith="@danang.gov.vn").count() == 500
    assert Membership.objects.filter(user__email__endswith="@danang.gov.vn").count() == 500
    assert len(mail.outbox) == 500
    person = User.objects.get(email="canbo001@danang.gov.vn")
    assert not person.has_usable_password() and person.position == "Chuyên viên"
    assert person.memberships.get().unit.code == "508"


@pytest.mark.django_db
def test_an_unknown_unit_code_refuses_the_whole_file_with_its_row(client, administrator, units):
    client.force_login(administrator)
    rows = people_rows(500, ["49", "508"])
    rows[249][2] = "99999"
    response = client.post(reverse("people_import"), {"file": workbook(rows)})
    problems = response.context["problems"]
    assert problems == ["Trang “Người dùng”, dòng 251, cột “Mã đơn vị”: không có đơn vị với mã “99999”."]
    assert "dòng 251" in response.content.decode()
    response = client.post(reverse("people_import"), {"save": "1"}, follow=True)
    assert User.objects.count() == 1 and not mail.outbox


@pytest.mark.django_db
def test_every_problem_is_named_and_nothing_is_saved(client, administrator, units, make_member):
    other = unit_create(name="Ủy ban nhân dân tỉnh Hà Tĩnh", kind="province", code="42")
    client.force_login(administrator)
    rows = [
        ["", "khong-phai-thu", "49", "Quản trị viên tối cao", "31/02/2025", None, ""],
        ["Trần Thị B", "b@danang.gov.vn", "42", "Lãnh đạo", "01/07/2025", "01/01/2025", ""],
    ]
    problems = client.post(reverse("people_import"), {"file": workbook(rows)}).context["problems"]
    text = "\n".join(problems)
    for expected in (
        "dòng 2, cột “Họ và tên”",
        "dòng 2, cột “Thư điện tử”",
        "dòng 2, cột “Vai trò”",
        "dòng 2, cột “Từ ngày”",
        "dòng 3, cột “Mã đơn vị”: đơn vị “" + str(other) + "” ngoài phạm vi",
        "dòng 3, cột “Đến ngày”",
    ):
        assert expected in text
    not_a_workbook = io.BytesIO(b"%PDF-1.7 not a workbook")
    not_a_workbook.name = "x.xlsx"
    assert client.post(reverse("people_import"), {"file": not_a_workbook}).context["problems"] == [
        "Tệp không phải là bảng tính Excel (.xlsx)."
    ]
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_file_is_checked_again_when_saved(client, administrator, units):
    client.force_login(administrator)
    client.post(reverse("people_import"), {"file": workbook(people_rows(3, ["20620"]))})
    units.commune_a.code = ""
    units.commune_a.save()  # the unit lost its code between preview and save
    response = client.post(reverse("people_import"), {"save": "1"})
    assert "không có đơn vị với mã “20620”" in response.content.decode()
    assert User.objects.count() == 1 and not mail.outbox


@pytest.mark.django_db
def test_the_link_sets_a_password_once(client, administrator, units, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    client.post(reverse("people_import"), {"file": workbook(people_rows(1, ["508"]))})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people_import"), {"save": "1"})
    client.logout()
    [message] = mail.outbox
    assert message.to == ["canbo000@danang.gov.vn"] and "canbo000@danang.gov.vn" in message.body
    link = re.search(r"http://testserver(/password-set/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    password = "Mat-khau-moi-2025!"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}, follow=True
    )
    assert "Đã lưu mật khẩu" in done.content.decode()
    signed_in = client.post(reverse("login"), {"username": "canbo000@danang.gov.vn", "password": password})
    assert signed_in.status_code == 302
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]


@pytest.mark.django_db
def test_memberships_end_with_the_person_and_with_the_unit(units):
    officer = User.objects.create(username="canbo.xa", full_name="Cán bộ xã")
    membership_create(
        user=officer, unit=units.commune_b, role=Role.UNIT_OFFICER, valid_from=datetime.date(2020, 1, 1)
    )
    membership_create(
        user=officer, unit=units.district_b, role=Role.LEADER, valid_from=datetime.date(2020, 1, 1)
    )
    unit_end(unit=units.commune_b, last_day=datetime.date(2025, 6, 30), successors=[units.successor])
    assert officer.memberships.get(unit=units.commune_b).valid_to == datetime.date(2025, 6, 30)
    assert officer.memberships.get(unit=units.district_b).valid_to is None

    assert person_leave(person=officer, last_day=datetime.date(2025, 8, 31)) == 1
    officer.refresh_from_db()
    assert not officer.is_active
    assert officer.memberships.get(unit=units.district_b).valid_to == datetime.date(2025, 8, 31)
    assert officer.memberships.get(unit=units.commune_b).valid_to == datetime.date(2025, 6, 30)


@pytest.mark.django_db
def test_unit_people_page(client, administrator, officer_a, inspector, units):
    client.force_login(administrator)
    page = client.get(reverse("unit_people", args=[units.district_a.pk]))
    assert page.status_code == 200
    assert officer_a.get_full_name() in page.content.decode() and "Cán bộ đơn vị" in page.content.decode()
    client.force_login(inspector)
    assert client.get(reverse("unit_people", args=[units.district_a.pk])).status_code == 403
    assert client.get(reverse("people_import")).status_code == 403


@pytest.mark.django_db
def test_a_cell_bomb_is_refused_before_it_is_parsed(client, administrator, units, monkeypatch):
    import openpyxl

    from cchc.people import MAX_SHEET_ROWS

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Người dùng")
    sheet.append(HEADER)
    for number in range(MAX_SHEET_ROWS + 1):
        sheet.append([number])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "bom.xlsx"
    client.force_login(administrator)
    problems = client.post(reverse("people_import"), {"file": data}).context["problems"]
    limit = f"{MAX_SHEET_ROWS:,}".replace(",", ".")
    assert problems == [f"Bảng tính có trên {limit} dòng: không xử lý. Hãy bỏ các dòng, trang tính thừa."]


@pytest.mark.django_db
def test_the_problems_shown_are_capped_and_the_rest_counted(client, administrator, units):
    from cchc.people import MAX_PROBLEMS_SHOWN

    rows = [
        [f"Người {i}", f"khong-phai-thu-{i}", "49", "Lãnh đạo", "01/07/2025", None, ""] for i in range(250)
    ]
    client.force_login(administrator)
    response = client.post(reverse("people_import"), {"file": workbook(rows)})
    assert len(response.context["problems"]) == MAX_PROBLEMS_SHOWN
    html = response.content.decode()
    assert f"có {response.context['problems_total']} lỗi, chưa lưu gì" in html
    assert (
        f"Chỉ hiện {MAX_PROBLEMS_SHOWN} lỗi đầu; "
        f"còn {response.context['problems_total'] - MAX_PROBLEMS_SHOWN} lỗi nữa." in html
    )
