"""``manage.py render_document`` (in the inspections app, which drafts an
inspection's notice for ``--inspection``): render an official document to a file,
for scripting and for iterating on the format.

- ``render_document <id> --out file.pdf``: a document by id;
- ``render_document --inspection <id>``: the conclusion notice of an
  inspection (its draft preview when none is issued; nothing is saved);
- ``--sign``: sign the PDF with the configured certificate
  (``CCHC_SIGNING_P12``) and the document's stamp, as the worker does;
- ``--html``: write the HTML the PDF is made from.

Nothing in the database changes, whatever the document's status.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.choices import DocumentKind, DocumentStatus
from cchc.documents import official, signing
from cchc.documents.services import document_pdf_sign
from cchc.models import OfficialDocument
from inspections.drafting import documents_of, notice_unsaved
from inspections.models import Inspection


class Command(BaseCommand):
    help = "Tạo bản PDF (hoặc HTML) của một văn bản theo thể thức Nghị định 30/2020/NĐ-CP."

    def add_arguments(self, parser):
        parser.add_argument("document_id", type=int, nargs="?", help="Mã (id) của văn bản.")
        parser.add_argument("--inspection", type=int, help="Thông báo kết luận của cuộc kiểm tra có mã này.")
        parser.add_argument(
            "--out",
            help="Tệp kết quả (mặc định: van-ban-<id>.pdf, hoặc .html với --html).",
        )
        parser.add_argument("--html", action="store_true", help="Ghi HTML thay vì PDF.")
        parser.add_argument("--sign", action="store_true", help="Ký số bản PDF bằng chứng thư đã cấu hình.")

    def handle(self, *args, **options):
        if (options["document_id"] is None) == (options["inspection"] is None):
            raise CommandError("Hãy cho mã văn bản, hoặc --inspection <mã cuộc kiểm tra> (một trong hai).")
        if options["sign"] and options["html"]:
            raise CommandError("--sign chỉ dùng với bản PDF.")
        document = self.get_document(options)
        data = self.render(document, options)
        if options["sign"]:
            if document.pk is None or document.status == DocumentStatus.DRAFT:
                raise CommandError("Văn bản còn là dự thảo: hãy cấp số văn bản trước khi ký.")
            data = self.sign(document, data)
        out = self.output_path(document, options)
        self.write(out, data)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {out} ({len(data)} byte)."))

    def get_document(self, options) -> OfficialDocument:
        """The document to render: by id, or the inspection's notice."""
        if options["inspection"] is not None:
            return self.inspection_notice(options["inspection"])
        try:
            return OfficialDocument.objects.select_related("parent").get(pk=options["document_id"])
        except OfficialDocument.DoesNotExist as error:
            raise CommandError(f"Không có văn bản mã {options['document_id']}.") from error

    def inspection_notice(self, inspection_id: int) -> OfficialDocument:
        try:
            inspection = Inspection.objects.select_related("plan__issuer", "unit", "team").get(
                pk=inspection_id
            )
        except Inspection.DoesNotExist as error:
            raise CommandError(f"Không có cuộc kiểm tra mã {inspection_id}.") from error
        notice = documents_of(inspection, DocumentKind.CONCLUSION_NOTICE).order_by("-id").first()
        return notice or notice_unsaved(inspection=inspection)

    def render(self, document: OfficialDocument, options) -> bytes:
        """The bytes to write: the HTML with ``--html``, the PDF otherwise."""
        if options["html"]:
            return official.document_html(document).encode("utf-8")
        return official.document_pdf(document)

    def sign(self, document: OfficialDocument, pdf: bytes) -> bytes:
        try:
            return document_pdf_sign(document=document, pdf=pdf)
        except signing.SigningError as error:
            raise CommandError(str(error)) from error

    def output_path(self, document: OfficialDocument, options) -> Path:
        if options["out"]:
            return Path(options["out"])
        suffix = ".html" if options["html"] else ".pdf"
        return Path(f"van-ban-{document.pk or 'du-thao'}{suffix}")

    def write(self, out: Path, data: bytes) -> None:
        try:
            out.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Không ghi được {out}: {error.strerror}.") from error
