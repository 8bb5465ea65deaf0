"""``manage.py export_indicators --unit <code> --years 2015-2020 --out <file.xlsx>``:
the unit's tables in the official layout (with ``--children``: a sheet per
unit under it and a summary sheet by the roll-up rules). An ``--out`` ending
in ``.pdf`` gives the PDF appendix instead."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.models import Unit
from indicators.exports import export_pdf, export_workbook
from indicators.periods import PeriodError, years_from_text
from indicators.selectors import tables_for_export


class Command(BaseCommand):
    help = "Xuất bảng số liệu chỉ tiêu theo mẫu Phụ lục ra tệp Excel (.xlsx) hoặc PDF."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã đơn vị")
        parser.add_argument("--years", required=True, help="Khoảng năm, ví dụ 2015-2020")
        parser.add_argument("--out", required=True, help="Tệp ra (.xlsx, hoặc .pdf cho phụ lục PDF)")
        parser.add_argument(
            "--children", action="store_true", help="Cả các đơn vị trực thuộc, thêm trang tổng hợp"
        )

    def handle(self, *args, **options):
        try:
            unit = Unit.objects.get(code=options["unit"])
        except Unit.DoesNotExist:
            raise CommandError(f"Không có đơn vị mã “{options['unit']}”.") from None
        try:
            first, last = years_from_text(options["years"])
        except PeriodError as error:
            raise CommandError(str(error)) from None
        out = Path(options["out"])
        if out.suffix.lower() == ".pdf":
            if options["children"]:
                raise CommandError("Bản PDF làm cho từng đơn vị; bỏ --children.")
            tables = tables_for_export(units=[unit], first=first, last=last)
            data = export_pdf(unit=unit, tables=tables, first=first, last=last)
        else:
            units = [unit]
            if options["children"]:
                units = list(Unit.objects.subtree_of(unit).order_by("path"))
            tables = tables_for_export(units=units, first=first, last=last)
            data = export_workbook(units=units, tables=tables, first=first, last=last, root=unit)
        out.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {out} ({len(data)} byte)."))
