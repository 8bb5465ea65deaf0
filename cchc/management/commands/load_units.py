"""``manage.py load_units 48 42`` (or ``--all``): load provinces from the
official lists with their pre-2025 trees, successions and default bodies.

Safe in production and idempotent: see ``cchc.unit_loader``.
"""

from django.core.management.base import BaseCommand, CommandError

from cchc.unit_loader import UnknownProvince, describe_load, load_official_units


class Command(BaseCommand):
    help = (
        "Nạp đơn vị hành chính chính thức của một hoặc nhiều tỉnh (mã tỉnh hiện nay, ví dụ 48 42) "
        "hoặc cả 34 tỉnh (--all): tỉnh và xã, phường, đặc khu hiện nay; tỉnh, huyện, xã trước "
        "01/7/2025; các liên kết kế thừa; các cơ quan chuyên môn mặc định. Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("provinces", nargs="*", help="Mã tỉnh hiện nay (2 chữ số), ví dụ 48.")
        parser.add_argument("--all", action="store_true", help="Nạp cả 34 tỉnh, thành phố.")
        parser.add_argument("--no-bodies", action="store_true", help="Không tạo các sở, ban, ngành mặc định.")

    def handle(self, *args, **options):
        if bool(options["provinces"]) == options["all"]:
            raise CommandError("Hãy ghi mã tỉnh (ví dụ: load_units 48) hoặc --all.")
        try:
            result = load_official_units(
                provinces=None if options["all"] else options["provinces"], bodies=not options["no_bodies"]
            )
        except UnknownProvince as error:
            raise CommandError(str(error)) from error
        for line in describe_load(result):
            self.stdout.write(line)
