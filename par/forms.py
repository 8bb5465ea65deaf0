from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import UnitGroup

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ProvinceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return unit.short_name or unit.name


class SetCreateForm(forms.Form):
    province = ProvinceField(label=_("UBND tỉnh ban hành"), queryset=None)
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    unit_group = forms.ChoiceField(label=_("Khối đơn vị"), choices=UnitGroup.choices)
    name = forms.CharField(
        label=_("Tên bộ tiêu chí"),
        max_length=400,
        help_text=_("Ví dụ: Bộ tiêu chí xác định Chỉ số CCHC của UBND các xã, phường, đặc khu năm 2025"),
    )
    total_points = forms.DecimalField(
        label=_("Tổng điểm tối đa"),
        initial=Decimal("100"),
        min_value=Decimal("0.001"),
        max_digits=8,
        decimal_places=3,
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        if provinces.count() == 1:
            self.fields["province"].initial = provinces.first()


class SetEditForm(forms.Form):
    """A draft set's own fields; the level names one per line."""

    name = forms.CharField(label=_("Tên bộ tiêu chí"), max_length=400)
    total_points = forms.DecimalField(
        label=_("Tổng điểm tối đa"), min_value=Decimal("0.001"), max_digits=8, decimal_places=3
    )
    bonus_cap = forms.DecimalField(
        label=_("Tổng điểm thưởng tối đa"),
        required=False,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=3,
        help_text=_("Để trống: chỉ giới hạn theo từng tiêu chí thưởng."),
    )
    penalty_cap = forms.DecimalField(
        label=_("Tổng điểm trừ tối đa"),
        required=False,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=3,
        help_text=_("Để trống: chỉ giới hạn theo từng tiêu chí trừ điểm."),
    )
    level_labels = forms.CharField(
        label=_("Tên các cấp"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=400,
        help_text=_("Mỗi dòng một cấp, từ trên xuống (ví dụ: Lĩnh vực, Tiêu chí, Tiêu chí thành phần)."),
    )
    national_basis = forms.CharField(label=_("Căn cứ của Bộ Nội vụ"), max_length=400, required=False)
    notes = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean_level_labels(self):
        labels = [line.strip() for line in self.cleaned_data["level_labels"].splitlines() if line.strip()]
        if not labels:
            raise forms.ValidationError(_("Ghi tên ít nhất một cấp."))
        if len(labels) > 6:
            raise forms.ValidationError(_("Cây tiêu chí có tối đa 6 cấp."))
        return labels


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 10 MB."))
        return upload


class SurveyUploadForm(UploadForm):
    source = forms.CharField(
        label=_("Đơn vị thực hiện điều tra"),
        max_length=255,
        required=False,
        help_text=_("Ví dụ: Viện Nghiên cứu phát triển kinh tế - xã hội"),
    )


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("Sao chép sang năm"), min_value=2000, max_value=2100)


class IssueForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Số quyết định ban hành"), max_length=60, help_text=_("Ví dụ: 1234/QĐ-UBND")
    )
    decision_date = forms.DateField(
        label=_("Ngày ban hành"), widget=forms.DateInput(attrs={"placeholder": "08/09/2025"})
    )
    confirm = forms.BooleanField(
        label=_(
            "Tôi đã đối chiếu bộ tiêu chí với quyết định; sau khi ban hành, bộ tiêu chí không sửa được nữa."
        )
    )


class DeadlinesForm(forms.Form):
    self_assessment_due = forms.DateField(label=_("Hạn tự đánh giá"))
    round1_due = forms.DateField(label=_("Hạn thẩm định vòng 1"))
    explanation_due = forms.DateField(label=_("Hạn giải trình, bổ sung"))
    round2_due = forms.DateField(label=_("Hạn thẩm định vòng 2"))
    publication_due = forms.DateField(label=_("Hạn công bố"))
    survey_held = forms.BooleanField(label=_("Có điều tra xã hội học"), required=False, initial=True)


class CycleCreateForm(DeadlinesForm):
    criteria_set = forms.ModelChoiceField(label=_("Bộ tiêu chí đã ban hành"), queryset=None)
    name = forms.CharField(
        label=_("Tên đợt đánh giá"),
        max_length=300,
        help_text=_("Ví dụ: Xác định Chỉ số CCHC năm 2025 của UBND các xã, phường, đặc khu"),
    )
    field_order = ["criteria_set", "name"]

    def __init__(self, *args, sets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = sets


class CycleUnitForm(forms.Form):
    included = forms.BooleanField(label=_("Được đánh giá"), required=False)
    ranked = forms.BooleanField(label=_("Được xếp hạng"), required=False)
    reason = forms.CharField(label=_("Lý do điều chỉnh"), max_length=500)
