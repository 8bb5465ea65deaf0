"""``manage.py backup [--directory DIR]``: one archive of the installation
(database dump, every stored file, a manifest with their SHA-256); see
``cchc.backups`` and README.md, "Backups"."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.backups import BackupError, backup_create, read_manifest


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ hệ thống vào một tệp: cơ sở dữ liệu (một ảnh chụp nhất quán), mọi tệp đã lưu "
        "và bản kê SHA-256 của từng tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="Thư mục ghi tệp sao lưu (mặc định: CCHC_BACKUP_DIR).",
        )

    def handle(self, *args, **options):
        directory = options["directory"] or Path(settings.CCHC_BACKUP_DIR)
        try:
            path = backup_create(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = read_manifest(path)
        media = [name for name in manifest["files"] if name.startswith("media/")]
        self.stdout.write(
            f"{path}\n{len(media)} tệp đã lưu, {path.stat().st_size} byte, "
            f"cơ sở dữ liệu {manifest['database']}, phiên bản {manifest['app_version']}."
        )
