"""``manage.py load_indicator_demo``: the indicator catalogue, UBND huyện Tuy
Phong (tỉnh Bình Thuận) with its demo users, and seed 001's tables for it.

Creates demo accounts with the published demo password, so it runs only
where ``CCHC_ALLOW_DEMO_DATA`` is on. ``--write-workbook`` also saves the
seed's tables as the office typed them, to try the import by hand.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.indicator_tables import load_indicator_demo, seed_workbook
from demo.province import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu chỉ tiêu TTHC (huyện Tuy Phong, văn bản mẫu 001). "
        "Chỉ chạy khi CCHC_ALLOW_DEMO_DATA bật."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write-workbook", help="Ghi thêm tệp Excel của văn bản mẫu 001 ra đường dẫn này"
        )

    def handle(self, *args, **options):
        if not settings.CCHC_ALLOW_DEMO_DATA:
            raise CommandError(
                "Dữ liệu mẫu tạo tài khoản có mật khẩu công khai: "
                "CCHC_ALLOW_DEMO_DATA đang tắt (mặc định chỉ bật khi DEBUG)."
            )
        result = load_indicator_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu mẫu chỉ tiêu: {sum(result.created.values())} bản ghi mới, "
                f"{sum(result.updated.values())} cập nhật, {sum(result.unchanged.values())} không đổi."
            )
        )
        for username, role, unit in result.logins:
            self.stdout.write(f"  {username:<20} {role} · {unit} (mật khẩu: {DEMO_PASSWORD})")
        if options["write_workbook"]:
            path = Path(options["write_workbook"])
            path.write_bytes(seed_workbook())
            self.stdout.write(f"Đã ghi {path}.")
