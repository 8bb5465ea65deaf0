"""``manage.py generate_demo_data --scale province|national``: realistic data
for the dashboards (``demo/generator.py`` says what it builds).

It creates accounts with the published demo password, so it refuses to run
unless ``settings.CCHC_ALLOW_DEMO_DATA`` is on, and it does not generate
twice into the same database (generated units' codes start with "G-"): it
says what is there and stops. ``--reset`` removes what a generation wrote
(only that, and only when nothing else refers to it), and with ``--scale``
generates anew.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.models import Unit, User
from demo import generator as demo
from demo.generator import CODE_PREFIX, SCALES
from demo.province import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu mẫu cho bảng điều hành: --scale province (một tỉnh) hoặc national (34 tỉnh, "
        "3.321 xã, khoảng 700 sở, mười năm kiểm tra và bảng số liệu). --reset xoá dữ liệu đã sinh trước "
        "đó (kèm --scale để sinh lại). Chỉ chạy khi CCHC_ALLOW_DEMO_DATA bật."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES))
        parser.add_argument("--seed", type=int, default=2026, help="Cùng seed cho cùng dữ liệu.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                f"Xoá dữ liệu đã sinh (đơn vị mã {CODE_PREFIX}... và mọi thứ thuộc về chúng, tài khoản "
                "sinh ra); từ chối nếu có dữ liệu khác trỏ tới chúng. Kèm --scale để sinh lại."
            ),
        )

    def handle(self, *args, scale, seed, reset, **options):
        if not settings.CCHC_ALLOW_DEMO_DATA:
            raise CommandError(
                "Dữ liệu mẫu tạo tài khoản có mật khẩu công khai nên không được sinh ở đây: "
                "CCHC_ALLOW_DEMO_DATA đang tắt (mặc định chỉ bật khi DEBUG). "
                "Đặt CCHC_ALLOW_DEMO_DATA=1 nếu đây là máy phát triển hoặc trình diễn."
            )
        if not scale and not reset:
            raise CommandError("Hãy chọn --scale province hoặc --scale national (hoặc --reset).")
        if reset:
            self.reset()
        if scale:
            self.generate(scale, seed)

    def reset(self):
        if not demo.already_generated():
            self.stdout.write("Không có dữ liệu sinh nào để xoá.")
            return
        started = time.monotonic()
        try:
            counts = demo.reset()
        except demo.ResetRefused as refused:
            raise CommandError(
                "Không xoá: cơ sở dữ liệu này có dữ liệu không phải dữ liệu sinh gắn với dữ liệu sinh, "
                "xoá sẽ mất dữ liệu đó:\n  - "
                + "\n  - ".join(refused.problems)
                + "\nKhông có gì bị xoá. Hãy dùng một cơ sở dữ liệu mới cho dữ liệu mẫu."
            ) from None
        elapsed = time.monotonic() - started
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"Đã xoá {total:,} dòng dữ liệu sinh trong {elapsed:.1f} giây."))
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<40} {count:>12,}")
        units, users = Unit.objects.count(), User.objects.count()
        if units or users:
            self.stdout.write(f"Giữ nguyên dữ liệu khác: {units:,} đơn vị, {users:,} tài khoản.")

    def generate(self, scale, seed):
        if demo.already_generated():
            there = demo.generated_summary()
            admins = ", ".join(there["admins"]) or "không rõ"
            raise CommandError(
                f"Cơ sở dữ liệu này đã có dữ liệu sinh: {there['units']:,} đơn vị mã {CODE_PREFIX}..., "
                f"{there['inspections']:,} cuộc kiểm tra, {there['indicator_values']:,} ô số liệu "
                f"(tài khoản quản trị: {admins}). Không sinh thêm. Có thể dùng ngay dữ liệu này, "
                f"hoặc chạy lại với --reset --scale {scale} để xoá dữ liệu sinh cũ rồi sinh lại, "
                "hoặc dùng một cơ sở dữ liệu mới."
            )
        started = time.monotonic()
        result = demo.generate(scale, seed=seed, log=self.stdout.write)
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
