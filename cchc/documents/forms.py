"""Forms of official documents: a draft's header and text, the upload of a
copy signed outside, and the public check of a copy."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import OfficialDocument, Signatory


class DocumentHeaderForm(forms.ModelForm):
    """Header, signing block and recipients of a draft, editable per document."""

    recipients_text = forms.CharField(
        label=_("Nơi nhận"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi nơi nhận một dòng; dòng “Lưu” nhập ở ô riêng."),
    )

    class Meta:
        model = OfficialDocument
        fields = [
            "parent_body",
            "issuing_body",
            "type_code",
            "symbol",
            "place",
            "type_name",
            "summary",
            "addressee",
            "signer_prefix",
            "signer_authority",
            "signer_position",
            "signer_name",
            "signatory",
            "archive_line",
        ]
        widgets = {
            # "ỦY BAN NHÂN DÂN" then "KT. CHỦ TỊCH": one line each.
            "signer_authority": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients_text"].initial = "\n".join(self.instance.recipients or [])
        # The signatories of the issuing body and the bodies under it (whose
        # signature image the visible signature shows).
        unit = self.instance.issuing_unit if self.instance.issuing_unit_id else None
        self.fields["signatory"].queryset = (
            Signatory.objects.filter(unit__path__startswith=unit.path).select_related("unit")
            if unit is not None
            else Signatory.objects.none()
        )

    def cleaned_recipients(self) -> list[str]:
        return self.cleaned_data.get("recipients_text", "").splitlines()


def _blocks(text: str) -> list[str]:
    """Paragraphs separated by blank lines; single line breaks are kept
    inside a paragraph as spaces."""
    text = (text or "").replace("\r\n", "\n")
    return [
        " ".join(line.strip() for line in block.split("\n")).strip()
        for block in text.split("\n\n")
        if block.strip()
    ]


def _join(blocks: list[str]) -> str:
    return "\n\n".join(blocks or [])


class DocumentContentForm(forms.Form):
    """The text of each part of a draft: paragraphs and points separated by
    blank lines. Editing it does not change the findings it was drafted from."""

    def __init__(self, *args, content: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.content = content or {}
        textarea = forms.Textarea(attrs={"rows": 6})
        self.fields["intro"] = forms.CharField(
            label=_("Phần mở đầu"), required=False, widget=textarea, initial=_join(self.content.get("intro"))
        )
        for index, section in enumerate(self.content.get("sections", [])):
            self.fields[f"section_{index}_title"] = forms.CharField(
                label=_("Tiêu đề phần %(n)s") % {"n": index + 1},
                required=False,
                initial=section.get("title", ""),
            )
            self.fields[f"section_{index}_paragraphs"] = forms.CharField(
                label=_("Đoạn dẫn phần %(n)s") % {"n": index + 1},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=_join(section.get("paragraphs")),
            )
            self.fields[f"section_{index}_points"] = forms.CharField(
                label=_("Các điểm của phần %(n)s (cách nhau một dòng trống)") % {"n": index + 1},
                required=False,
                widget=forms.Textarea(attrs={"rows": 10}),
                initial=_join(section.get("points")),
            )
        for index, unit in enumerate(self.content.get("appendix", {}).get("units", [])):
            self.fields[f"unit_{index}_points"] = forms.CharField(
                label=unit.get("name", ""),
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                initial=_join(unit.get("points")),
            )
        self.fields["closing"] = forms.CharField(
            label=_("Phần kết"), required=False, widget=textarea, initial=_join(self.content.get("closing"))
        )

    def cleaned_content(self) -> dict:
        data = self.cleaned_data
        content = dict(self.content)
        content["intro"] = _blocks(data.get("intro", ""))
        sections = []
        for index, section in enumerate(self.content.get("sections", [])):
            section = dict(section)
            section["title"] = data.get(f"section_{index}_title", "").strip()
            section["paragraphs"] = _blocks(data.get(f"section_{index}_paragraphs", ""))
            section["points"] = _blocks(data.get(f"section_{index}_points", ""))
            sections.append(section)
        if sections:
            content["sections"] = sections
        if "appendix" in self.content:
            appendix = dict(self.content["appendix"])
            appendix["units"] = [
                {**unit, "points": _blocks(data.get(f"unit_{index}_points", ""))}
                for index, unit in enumerate(appendix.get("units", []))
            ]
            content["appendix"] = appendix
        content["closing"] = _blocks(data.get("closing", ""))
        return content


class SignedUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF đã ký số"),
        error_messages={"required": _("Hãy chọn tệp PDF đã ký.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp %(name)s quá lớn (tối đa 50 MB).") % {"name": upload.name})
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("Tệp %(name)s không phải là tệp PDF.") % {"name": upload.name})
        return upload


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp cần đối chiếu"), error_messages={"required": _("Hãy chọn tệp cần đối chiếu.")}
    )


class IssueForm(forms.Form):
    """Issuing a draft: the issue date (today by default, never in the
    future; the issuing unit and the signer must be active on it) and
    whether to sign on the server."""

    issued_on = forms.DateField(
        label=_("Ngày ban hành"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Ngày ban hành không hợp lệ (ngày/tháng/năm).")},
    )
    sign = forms.BooleanField(label=_("Ký số trên máy chủ sau khi tạo PDF"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()

    def clean_issued_on(self):
        value = self.cleaned_data["issued_on"] or timezone.localdate()
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày ban hành không được sau ngày hôm nay."))
        return value
