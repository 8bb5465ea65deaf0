"""Pages of official documents: a document's page and its actions (edit,
preview, issue, sign, upload a signed copy, publish, download), and the
public verification page of issued documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView

from ..audit import audit_download, audit_record
from ..choices import AuditKind, DocumentStatus, JobStatus
from ..forms import add_service_errors
from ..jobs import jobs_readable
from ..mixins import ScopedViewMixin
from ..models import OfficialDocument
from ..text import whole_number
from ..uploads import attachment_headers
from . import selectors, services
from .forms import DocumentContentForm, DocumentHeaderForm, IssueForm, SignedUploadForm, VerifyUploadForm


@cache_control(public=True, max_age=24 * 3600)
def official_fonts_css(request):
    """The ``@font-face`` rules of official documents for the HTML preview:
    the same faces and subsets the PDF renderer declares
    (``cchc.documents.pdf``)."""
    from .pdf import font_face_css

    return HttpResponse(font_face_css(), content_type="text/css; charset=utf-8")


class DocumentDetailView(ScopedViewMixin, DetailView):
    """A document's page: its state, files and jobs; the editing forms
    while it is a draft."""

    template_name = "cchc/document_detail.html"
    context_object_name = "document"

    def scoped_queryset(self, user):
        return selectors.documents_visible(user).select_related("issuing_unit", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.object
        can_edit = selectors.documents_editable(self.request.user).filter(pk=document.pk).exists()
        context.update(document_context(self.request, document, can_edit=can_edit))
        return context


def document_context(
    request, document, *, can_edit, header_form=None, content_form=None, upload_form=None, issue_form=None
):
    draft = document.status == DocumentStatus.DRAFT
    job_id = request.GET.get("job")
    job = jobs_readable(request.user).filter(pk=job_id).first() if whole_number(job_id) is not None else None
    return {
        "document": document,
        "can_edit": can_edit,
        "header_form": header_form or (DocumentHeaderForm(instance=document) if can_edit and draft else None),
        "content_form": content_form
        or (DocumentContentForm(content=document.content) if can_edit and draft else None),
        "upload_form": upload_form or (SignedUploadForm() if can_edit and not document.signed_file else None),
        "issue_form": issue_form or (IssueForm() if can_edit and draft else None),
        # Told before issue: inspections a report leaves out (not concluded).
        "left_out": (document.content or {}).get("left_out") or []
        if isinstance(document.content, dict)
        else [],
        "appendices": list(document.appendices.all()),
        # A finished job's result is on the page itself; only a running or
        # failed job keeps its card (and a running one hides "sign").
        "job": None if job is not None and job.status == JobStatus.SUCCEEDED else job,
        "job_running": job is not None and not job.is_finished,
        "statuses": DocumentStatus,
    }


def _with_job(document, job) -> str:
    return reverse("document_detail", args=[document.pk]) + f"?job={job.pk}"


class DocumentEditMixin(ScopedViewMixin):
    required_action = "document.issue"

    def get_document(self, pk):
        return get_object_or_404(
            selectors.documents_editable(self.request.user).select_related("parent"), pk=pk
        )

    def render_page(self, document, status=400, **forms):
        context = document_context(self.request, document, can_edit=True, **forms)
        return render(self.request, "cchc/document_detail.html", context, status=status)


class DocumentEditView(DocumentEditMixin, View):
    """Save a draft's header and text."""

    required_action = "document.draft"

    def post(self, request, pk):
        document = self.get_document(pk)
        header_form = DocumentHeaderForm(request.POST, instance=document)
        content_form = DocumentContentForm(request.POST, content=document.content)
        if header_form.is_valid() and content_form.is_valid():
            fields = {name: header_form.cleaned_data[name] for name in DocumentHeaderForm.Meta.fields}
            try:
                services.document_update(
                    document=document,
                    recipients=header_form.cleaned_recipients(),
                    content=content_form.cleaned_content(),
                    **fields,
                )
            except ValidationError as error:
                add_service_errors(header_form, error)
            else:
                messages.success(request, _("Đã lưu dự thảo."))
                return redirect("document_detail", pk=document.pk)
        document.refresh_from_db()
        return self.render_page(document, header_form=header_form, content_form=content_form)


class DocumentPreviewView(ScopedViewMixin, View):
    """The document as HTML in the browser, in the official layout."""

    required_action = "document.view"

    def get(self, request, pk):
        from . import official

        document = get_object_or_404(selectors.documents_visible(request.user), pk=pk)
        return HttpResponse(official.document_html(document))


class DocumentIssueView(DocumentEditMixin, View):
    """Issue a draft (allocate its number) and queue its rendering, and its
    signature on the server when asked."""

    def post(self, request, pk):
        document = self.get_document(pk)
        if document.parent_id:
            raise Http404
        form = IssueForm(request.POST)
        if not form.is_valid():
            return self.render_page(document, issue_form=form)
        try:
            job = services.document_issue(
                document=document,
                user=request.user,
                issued_on=form.cleaned_data["issued_on"],
                sign=form.cleaned_data["sign"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            document.refresh_from_db()
            return self.render_page(document, issue_form=form)
        if job is None:
            messages.info(request, _("Văn bản đã được cấp số trước đó."))
            return redirect("document_detail", pk=document.pk)
        messages.success(request, _("Đã cấp số %(number)s.") % {"number": document.number_symbol})
        return redirect(_with_job(document, job))


class DocumentSignView(DocumentEditMixin, View):
    """Sign the issued PDF (and its appendices) with the organisation's
    certificate, as a job."""

    def post(self, request, pk):
        document = self.get_document(pk)
        try:
            job = services.document_sign(document=document, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("document_detail", pk=document.pk)
        return redirect(_with_job(document, job))


class DocumentUploadSignedView(DocumentEditMixin, View):
    """Keep a copy signed outside the app, after checking it."""

    def post(self, request, pk):
        document = self.get_document(pk)
        form = SignedUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_attach_signed(
                    document=document, data=form.cleaned_data["file"].read(), user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã nhận bản ký số."))
                return redirect("document_detail", pk=document.pk)
        return self.render_page(document, upload_form=form)


class DocumentPublishView(DocumentEditMixin, View):
    required_action = "document.publish"

    def post(self, request, pk):
        document = self.get_document(pk)
        try:
            services.document_publish(document=document, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã phát hành văn bản tới các đơn vị liên quan."))
        return redirect("document_detail", pk=document.pk)


class DocumentFileView(ScopedViewMixin, View):
    """Download the issued or the signed PDF, after checking scope."""

    def get(self, request, pk, which):
        document = get_object_or_404(selectors.documents_visible(request.user), pk=pk)
        field = {"issued": document.issued_file, "signed": document.signed_file}.get(which)
        if not field:
            raise Http404
        name = services.document_file_name(document, signed=which == "signed")
        response = FileResponse(field.open("rb"), content_type="application/pdf")
        audit_download(request, obj=document, unit=document.issuing_unit, name=name)
        return attachment_headers(response, name=name)


class VerifyView(View):
    """Public: anyone holding a copy checks it against the issued record."""

    def get(self, request, code):
        document = self.get_document(code)
        return render(request, "cchc/verify.html", {"document": document, "form": VerifyUploadForm()})

    def post(self, request, code):
        document = self.get_document(code)
        form = VerifyUploadForm(request.POST, request.FILES)
        result, value = None, ""
        if form.is_valid():
            check = services.document_verify_upload(document=document, upload=form.cleaned_data["file"])
            value = check.digest
            if check.matches == "signed":
                result = ("success", _("Tệp khớp với bản đã ký số của văn bản này."))
            elif check.matches == "issued":
                result = ("success", _("Tệp khớp với bản phát hành (chưa ký) của văn bản này."))
            else:
                result = (
                    "danger",
                    _("Tệp KHÔNG khớp với văn bản này: nội dung đã bị thay đổi hoặc là văn bản khác."),
                )
        # Who checked what, from where: the result, or why the file was refused.
        if form.is_valid():
            outcome = {"signed": _("khớp bản đã ký số"), "issued": _("khớp bản phát hành")}.get(
                check.matches, _("không khớp")
            )
            detail = _("Kiểm tra tệp tải lên: %(outcome)s (SHA-256 %(digest)s).") % {
                "outcome": outcome,
                "digest": value,
            }
        else:
            detail = _("Tệp tải lên bị từ chối: %(errors)s") % {
                "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)
            }
        audit_record(
            kind=AuditKind.VERIFY, unit=document.issuing_unit, obj=document, detail=detail, request=request
        )
        context = {"document": document, "form": form, "result": result, "digest": value}
        return render(request, "cchc/verify.html", context, status=200 if form.is_valid() else 400)

    def get_document(self, code):
        return get_object_or_404(
            OfficialDocument.objects.exclude(status=DocumentStatus.DRAFT).select_related(
                "issuing_unit", "parent"
            ),
            verification_code=code.upper(),
        )
