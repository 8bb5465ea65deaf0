"""``manage.py render_document <id> --out file.pdf``: render an official
document by id, to iterate on the format quickly.

The PDF (or, with ``--html``, the HTML the PDF is made from) is written to
``--out``; nothing in the database changes, whatever the document's status.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc import official
from cchc.models import OfficialDocument


class Command(BaseCommand):
    help = "Tạo bản PDF (hoặc HTML) của một văn bản theo thể thức Nghị định 30/2020/NĐ-CP."

    def add_arguments(self, parser):
        parser.add_argument("document_id", type=int, help="Mã (id) của văn bản.")
        parser.add_argument(
            "--out",
            help="Tệp kết quả (mặc định: van-ban-<id>.pdf, hoặc .html với --html).",
        )
        parser.add_argument("--html", action="store_true", help="Ghi HTML thay vì PDF.")

    def handle(self, *args, **options):
        document = self.get_document(options)
        data = self.render(document, options)
        out = self.output_path(document, options)
        self.write(out, data)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {out} ({len(data)} byte)."))

    def get_document(self, options) -> OfficialDocument:
        """The document to render."""
        try:
            return OfficialDocument.objects.select_related("parent").get(pk=options["document_id"])
        except OfficialDocument.DoesNotExist as error:
            raise CommandError(f"Không có văn bản mã {options['document_id']}.") from error

    def render(self, document: OfficialDocument, options) -> bytes:
        """The bytes to write: the HTML with ``--html``, the PDF otherwise."""
        if options["html"]:
            return official.document_html(document).encode("utf-8")
        return official.document_pdf(document)

    def output_path(self, document: OfficialDocument, options) -> Path:
        if options["out"]:
            return Path(options["out"])
        suffix = ".html" if options["html"] else ".pdf"
        return Path(f"van-ban-{document.pk}{suffix}")

    def write(self, out: Path, data: bytes) -> None:
        try:
            out.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Không ghi được {out}: {error.strerror}.") from error
