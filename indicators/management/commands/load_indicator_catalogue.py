"""``manage.py load_indicator_catalogue``: load the indicator catalogue
(Phụ lục 03, 07, the satisfaction survey) from fixtures/indicators/.

Safe in production: it creates or updates catalogue entries only, never
deletes, and refuses a change that would alter figures already entered.
"""

from django.core.management.base import BaseCommand, CommandError

from indicators.catalogue import CATALOGUE_FILE, CatalogueError, catalogue_load


class Command(BaseCommand):
    help = "Nạp danh mục chỉ tiêu (Phụ lục 03, 07, khảo sát sự hài lòng); chạy lại không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(CATALOGUE_FILE), help="Tệp danh mục JSON")

    def handle(self, *args, **options):
        try:
            result = catalogue_load(path=options["file"])
        except CatalogueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Danh mục chỉ tiêu: {sum(result.created.values())} "
                f"mới, {sum(result.updated.values())} cập nhật, "
                f"{sum(result.unchanged.values())} không đổi."
            )
        )
