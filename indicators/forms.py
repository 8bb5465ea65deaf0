from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import TableStatus
from .periods import PeriodError, period_from_key, years_from_text
from .services import MAX_UPLOAD_BYTES


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        label = unit.short_name or unit.name
        return f"{label} ({unit.code})" if unit.code else label


class TableFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả"))] + TableStatus.choices
    )


class TableCreateForm(forms.Form):
    """A new table: a unit, a year, and for part of a year the day it runs to."""

    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    through = forms.DateField(
        label=_("Tính đến ngày"),
        required=False,
        help_text=_("Chỉ ghi khi là số liệu một phần năm, ví dụ 31/03/2020."),
        widget=forms.DateInput(attrs={"placeholder": "31/03/2020"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        through, year = data.get("through"), data.get("year")
        if through and year and through.year != year:
            self.add_error("through", _("Ngày “tính đến” phải thuộc năm %(year)s.") % {"year": year})
        return data


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Đơn vị"),
        queryset=None,
        help_text=_(
            "Tệp của một đơn vị: chọn đơn vị đó. Tệp cả tỉnh "
            "(mỗi đơn vị một trang tính, hoặc cột “Mã đơn vị”): "
            "chọn đơn vị cấp trên."
        ),
    )
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"), help_text=_("Tối đa 20 MB."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(
                _("Chỉ nhận tệp Excel .xlsx (hãy “Lưu thành” .xlsx nếu là tệp .xls).")
            )
        return upload


class ApplyForm(forms.Form):
    acknowledge = forms.BooleanField(
        label=_(
            "Tôi đã kiểm tra các cảnh báo: số liệu đúng như đơn vị ghi, nhập và giữ cảnh báo đã xác nhận."
        ),
        required=False,
    )


class ExportForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None)
    years = forms.CharField(
        label=_("Các năm"), initial="2015-2020", help_text=_("Ví dụ: 2015-2020 hoặc 2019.")
    )
    children = forms.BooleanField(
        label=_("Cả các đơn vị trực thuộc (mỗi đơn vị một trang tính, thêm trang tổng hợp)"), required=False
    )
    format = forms.ChoiceField(
        label=_("Định dạng"),
        choices=[("xlsx", _("Excel")), ("pdf", _("PDF (phụ lục, khổ ngang)"))],
        initial="xlsx",
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_years(self):
        try:
            first, last = years_from_text(self.cleaned_data["years"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
        if last - first > 30:
            raise forms.ValidationError(_("Khoảng năm quá dài (tối đa 30 năm)."))
        return first, last

    def clean(self):
        data = super().clean()
        if data.get("format") == "pdf" and data.get("children"):
            self.add_error("format", _("Bản PDF làm cho từng đơn vị; bỏ chọn “cả các đơn vị trực thuộc”."))
        return data


class TemplateForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None)
    period = forms.CharField(
        label=_("Kỳ báo cáo"), help_text=_("Năm (2021) hoặc ngày “tính đến” của một phần năm (2020-03-31).")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_period(self):
        try:
            return period_from_key(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
