"""``manage.py load_catalogues``: load the reference catalogues (reform areas).

Safe in production: it only creates or updates the catalogue entries in
``fixtures/reform_areas.json`` and never touches anything else.
"""

from django.core.management.base import BaseCommand

from cchc.reference import REFORM_AREAS_FILE, load_reform_areas


class Command(BaseCommand):
    help = (
        "Nạp danh mục lĩnh vực cải cách hành chính từ fixtures/reform_areas.json (chạy lại không tạo trùng)."
    )

    def handle(self, *args, **options):
        result = load_reform_areas()
        self.stdout.write(
            self.style.SUCCESS(
                f"Lĩnh vực CCHC ({REFORM_AREAS_FILE.name}): "
                f"{sum(result.created.values())} mới, {sum(result.updated.values())} cập nhật, "
                f"{sum(result.unchanged.values())} không đổi."
            )
        )
