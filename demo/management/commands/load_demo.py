"""``manage.py load_demo``: load the catalogues, then the demo province.

The demo data creates accounts with a published password, so the command
refuses to run unless ``settings.CCHC_ALLOW_DEMO_DATA`` is true (by default
only when ``DEBUG`` is on). Running it again updates the demo records in
place and creates nothing twice.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.choices import Role
from cchc.reference import FixtureError
from demo.indicator_tables import load_indicator_demo
from demo.par_index import load_par_demo
from demo.province import DEMO_PASSWORD, DEMO_PROVINCE_FILE, load_all_demo


class Command(BaseCommand):
    help = (
        "Nạp danh mục và dữ liệu mẫu (tỉnh Quảng Nam, huyện Duy Xuyên, huyện Hương Sơn, tài khoản mẫu). "
        "Chỉ chạy được khi CCHC_ALLOW_DEMO_DATA bật."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Ngày dựng dữ liệu mẫu theo (YYYY-MM-DD); mặc định hôm nay.",
        )

    def handle(self, *args, **options):
        if not settings.CCHC_ALLOW_DEMO_DATA:
            raise CommandError(
                "Dữ liệu mẫu tạo tài khoản có mật khẩu công khai nên không được nạp ở đây: "
                "CCHC_ALLOW_DEMO_DATA đang tắt (mặc định chỉ bật khi DEBUG). "
                "Đặt biến môi trường CCHC_ALLOW_DEMO_DATA=1 nếu đây là máy phát triển hoặc trình diễn."
            )
        try:
            result = load_all_demo(today=options["today"])
        except FixtureError as error:
            raise CommandError(f"{DEMO_PROVINCE_FILE.name}: {error}") from error
        # Seed 001's indicator tables for huyện Tuy Phong (Bình Thuận).
        indicator_result = load_indicator_demo(password=DEMO_PASSWORD)
        for counts in ("created", "updated", "unchanged"):
            for label, count in getattr(indicator_result, counts).items():
                getattr(result, counts)[label] = getattr(result, counts).get(label, 0) + count
        result.logins.extend(indicator_result.logins)
        result.merge(load_par_demo(password=DEMO_PASSWORD))  # the PAR index of Đà Nẵng, 2025

        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu mẫu: {sum(result.created.values())} bản ghi mới, "
                f"{sum(result.updated.values())} cập nhật, {sum(result.unchanged.values())} không đổi."
            )
        )
        for label, count in sorted(result.created.items()):
            self.stdout.write(f"  + {count} {label}")
        self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        roles = dict(Role.choices)
        for username, role, unit in result.logins:
            self.stdout.write(f"  {username:<20} {roles.get(role, role)} · {unit}")
