"""``manage.py setup_province 48 --admin-email quantri@danang.gov.vn``: prepare
a real province from scratch, with nothing from the demo.

It loads the reference catalogues (reform areas), the province's official
units with their history before 1 July 2025 and its default bodies
(``load_units``), and creates the first administrator: a superuser with the
administrator role at the province, who is sent a one-time link to set a
password (``--base-url`` is the address the link starts with). Running it
again changes nothing.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from cchc.choices import Role
from cchc.models import Membership, Unit, User
from cchc.people import send_set_password
from cchc.reference import load_reform_areas
from cchc.unit_loader import UnknownProvince, load_official_units
from cchc.unit_loader import describe_load as describe


class Command(BaseCommand):
    help = (
        "Chuẩn bị một tỉnh thật từ đầu (không có dữ liệu mẫu): danh mục lĩnh vực CCHC, đơn vị hành chính "
        "và lịch sử sắp xếp, các sở, ban, ngành mặc định, và tài khoản quản trị đầu tiên."
    )

    def add_arguments(self, parser):
        parser.add_argument("province", help="Mã tỉnh hiện nay (2 chữ số), ví dụ 48.")
        parser.add_argument("--admin-email", required=True, help="Thư điện tử của quản trị viên đầu tiên.")
        parser.add_argument("--admin-name", default="", help="Họ và tên của quản trị viên.")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Địa chỉ của trang, để tạo liên kết đặt mật khẩu.",
        )

    def handle(self, *args, **options):
        email = options["admin_email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"“{email}” không phải là địa chỉ thư điện tử.") from None
        try:
            with transaction.atomic():
                areas = load_reform_areas()
                result = load_official_units(provinces=[options["province"]])
                province = Unit.objects.get(code=result.provinces[0])
                admin, created = User.objects.get_or_create(
                    username=email,
                    defaults={
                        "email": email,
                        "full_name": options["admin_name"],
                        "is_staff": True,
                        "is_superuser": True,
                    },
                )
                if created:
                    admin.set_unusable_password()
                    admin.save()
                Membership.objects.get_or_create(user=admin, unit=province, role=Role.ADMINISTRATOR)
                if created:
                    transaction.on_commit(lambda: send_set_password(admin, base_url=options["base_url"]))
        except UnknownProvince as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Lĩnh vực CCHC: {areas.changed} mới hoặc cập nhật.")
        for line in describe(result):
            self.stdout.write(line)
        if created:
            self.stdout.write(f"Đã tạo quản trị viên {email}; đã gửi thư có liên kết đặt mật khẩu.")
        else:
            self.stdout.write(f"Quản trị viên {email} đã có.")
