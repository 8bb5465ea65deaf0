"""``manage.py generate_demo_data --scale province|national``: realistic data
for the dashboards (``dashboards/demo.py`` says what it builds).

It creates accounts with the published demo password, so it refuses to run
unless ``settings.CCHC_ALLOW_DEMO_DATA`` is on, and it refuses to run twice
on the same database (generated units' codes start with "G-").
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.demo import DEMO_PASSWORD
from dashboards.demo import SCALES, already_generated, generate


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu mẫu cho bảng điều hành: --scale province (một tỉnh) hoặc national (34 tỉnh, "
        "3.321 xã, khoảng 700 sở, mười năm kiểm tra và bảng số liệu). Chỉ chạy khi CCHC_ALLOW_DEMO_DATA bật."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), required=True)
        parser.add_argument("--seed", type=int, default=2026, help="Cùng seed cho cùng dữ liệu.")

    def handle(self, *args, scale, seed, **options):
        if not getattr(settings, "CCHC_ALLOW_DEMO_DATA", False):
            raise CommandError(
                "Dữ liệu mẫu tạo tài khoản có mật khẩu công khai nên không được sinh ở đây: "
                "CCHC_ALLOW_DEMO_DATA đang tắt (mặc định chỉ bật khi DEBUG). "
                "Đặt CCHC_ALLOW_DEMO_DATA=1 nếu đây là máy phát triển hoặc trình diễn."
            )
        if already_generated():
            raise CommandError(
                "Cơ sở dữ liệu này đã có dữ liệu sinh (đơn vị mã G-...). Hãy dùng một cơ sở dữ liệu mới."
            )
        started = time.monotonic()
        result = generate(scale, seed=seed, log=self.stdout.write)
        elapsed = time.monotonic() - started
        total = sum(result["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Đã sinh {total:,} dòng trong {elapsed:.1f} giây (--scale {scale}).")
        )
        for label, count in sorted(result["counts"].items()):
            self.stdout.write(f"  {label:<40} {count:>12,}")
        self.stdout.write(f"\nTài khoản (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, unit in result["logins"][:5]:
            self.stdout.write(f"  {username:<24} {unit}")
        if len(result["logins"]) > 5:
            self.stdout.write(f"  ... và {len(result['logins']) - 5} tài khoản lãnh đạo tỉnh khác")
