"""``manage.py restore ARCHIVE [--force]``: put a backup archive back into
an empty installation; see ``cchc.backups`` and README.md, "Backups"."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.backups import BackupError, backup_check, backup_restore, created_at_text, read_manifest


class Command(BaseCommand):
    help = (
        "Khôi phục một tệp sao lưu vào hệ thống còn trống: cơ sở dữ liệu và mọi tệp đã lưu, kiểm tra "
        "SHA-256 của từng tệp. Từ chối hệ thống đã có dữ liệu, trừ khi có --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Tệp sao lưu (cchc-backup-….tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Khôi phục cả khi hệ thống đã có dữ liệu: dữ liệu hiện có bị thay thế.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Chỉ kiểm tra tệp sao lưu (từng tệp khớp SHA-256 trong bản kê), không khôi phục.",
        )

    def handle(self, *args, **options):
        try:
            manifest = read_manifest(options["archive"])
            self.stdout.write(
                f"Bản sao lưu lúc {created_at_text(manifest)}, phiên bản {manifest['app_version']}, "
                f"cơ sở dữ liệu {manifest['database']}."
            )
            if options["check"]:
                checked = backup_check(archive_path=options["archive"])
                self.stdout.write(f"Tệp sao lưu nguyên vẹn: {len(checked['files'])} mục khớp SHA-256.")
                return
            result = backup_restore(archive_path=options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Đã khôi phục cơ sở dữ liệu và {result.files} tệp ({result.bytes} byte), "
            "từng tệp khớp SHA-256 trong bản kê."
        )
        if result.migrated:
            self.stdout.write("Đã chạy các migration mới hơn bản sao lưu.")
        if result.missing:
            raise CommandError(
                f"Thiếu {len(result.missing)} tệp mà dữ liệu có ghi: " + ", ".join(result.missing[:10])
            )
