"""``manage.py import_indicators <file.xlsx> --unit <code>``: import a
workbook of indicator tables, as the web import does.

``--dry-run`` checks the file and prints every problem (by sheet, row and
column), the warnings and the changes, and saves nothing. Without it the file
is imported all at once, or not at all when it has a problem; figures that
carry warnings (2717/2700) are imported only with ``--acknowledge-warnings``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.models import Unit, User
from indicators.selectors import editable_unit_ids
from indicators.services import import_workbook


class Command(BaseCommand):
    help = "Nhập bảng số liệu chỉ tiêu từ tệp Excel (.xlsx) cho một đơn vị (hoặc cả các đơn vị trực thuộc)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument("--unit", required=True, help="Mã đơn vị (với tệp nhiều đơn vị: đơn vị cấp trên)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, in các lỗi, không lưu gì")
        parser.add_argument(
            "--acknowledge-warnings",
            action="store_true",
            help="Xác nhận các cảnh báo (tử số lớn hơn mẫu số...) và nhập số liệu như trong tệp",
        )
        parser.add_argument(
            "--user", help="Tên đăng nhập người nhập (phạm vi đơn vị của người đó được áp dụng)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        try:
            unit = Unit.objects.get(code=options["unit"])
        except Unit.DoesNotExist:
            raise CommandError(f"Không có đơn vị mã “{options['unit']}”.") from None
        user = None
        if options["user"]:
            try:
                user = User.objects.get(username=options["user"])
            except User.DoesNotExist:
                raise CommandError(f"Không có người dùng “{options['user']}”.") from None
        dry_run = options["dry_run"]
        outcome = import_workbook(
            source=path.read_bytes(),
            default_unit=unit,
            user=user,
            editable_unit_ids=editable_unit_ids(user) if user else None,
            dry_run=dry_run,
            acknowledge=options["acknowledge_warnings"],
        )
        totals = outcome.totals
        if totals:
            self.stdout.write(
                f"Đọc {totals['sheets']} trang tính: {totals['units']} đơn vị, {totals['tables']} bảng, "
                f"{totals['cells']} ô. Thay đổi: {totals['cells_new']} "
                f"ô mới, {totals['cells_changed']} ô sửa, "
                f"{totals['cells_cleared']} ô xóa, {totals['cells_unchanged']} ô không đổi."
            )
        for note in outcome.notes:
            self.stdout.write(f"  Ghi chú · {note['where']}: {note['message']}")
        for warning in outcome.warnings:
            self.stdout.write(
                self.style.WARNING(
                    f"  Cảnh báo · {warning['where']} · "
                    f"{warning['indicator']}: {' '.join(warning['messages'])}"
                )
            )
        for problem in outcome.problems:
            self.stderr.write(self.style.ERROR(f"  Lỗi · {problem['where']}: {problem['message']}"))
        if outcome.problems:
            if dry_run:
                raise CommandError(f"Tệp có {len(outcome.problems)} lỗi (chỉ kiểm tra, không lưu gì).")
            raise CommandError(f"Không nhập: tệp có {len(outcome.problems)} lỗi, không có gì được lưu.")
        if dry_run:
            self.stdout.write(self.style.SUCCESS("Tệp hợp lệ (chỉ kiểm tra, không lưu gì)."))
            if outcome.warnings:
                self.stdout.write("Khi nhập thật, thêm --acknowledge-warnings để xác nhận các cảnh báo trên.")
            return
        self.stdout.write(self.style.SUCCESS("Đã nhập."))
