"""Forms of the inspection pages. They validate input and hand it to the
services; they never save models themselves."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.models import ReformArea, Unit

from .choices import (
    DeadlineKind,
    FindingKind,
    InspectionStatus,
    ItemProgress,
    Recurrence,
    ReportFileKind,
    ReviewDecision,
    TeamRole,
    UnitGroup,
)
from .models import InspectionPlan, InspectionTeam


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def reform_areas_for(year: int):
    return ReformArea.objects.filter(valid_from_year__lte=year).exclude(valid_to_year__lt=year)


class FindingForm(forms.Form):
    reform_area = forms.ModelChoiceField(queryset=ReformArea.objects.none(), label=_("Lĩnh vực CCHC"))
    text = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Nội dung không được để trống.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reform_area"].queryset = reform_areas_for(year)
        self.fields["reform_area"].error_messages["required"] = _("Hãy chọn lĩnh vực CCHC.")


_NUMBERED = re.compile(r"^\s*(?:\d{1,3}|[a-zđ]|[IVX]{1,5})\s*[.)]\s+", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-–•+*]\s+")


def split_numbered_block(block: str) -> list[str]:
    """Split text pasted from a Word document into points.

    A new point starts at a line numbered "1.", "2)", "a)" or bulleted "-";
    lines without a marker continue the point before them (Word wraps long
    paragraphs, and a copy often breaks them). Without any marker, each
    paragraph separated by a blank line is a point.
    """
    lines = (block or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    has_markers = any(_NUMBERED.match(line) or _BULLET.match(line) for line in lines)
    points: list[list[str]] = []
    if has_markers:
        for line in lines:
            if not line.strip():
                continue
            marker = _NUMBERED.match(line) or _BULLET.match(line)
            if marker:
                points.append([line[marker.end() :].strip()])
            elif points:
                points[-1].append(line.strip())
            else:
                points.append([line.strip()])
    else:
        current: list[str] = []
        for line in lines + [""]:
            if line.strip():
                current.append(line.strip())
            elif current:
                points.append(current)
                current = []
    return [" ".join(parts).strip() for parts in points if " ".join(parts).strip()]


class PasteForm(forms.Form):
    kind = forms.ChoiceField(choices=FindingKind.choices, label=_("Phần"))
    reform_area = forms.ModelChoiceField(queryset=ReformArea.objects.none(), label=_("Lĩnh vực CCHC"))
    block = forms.CharField(
        label=_("Đoạn văn bản có đánh số"),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Hãy dán đoạn văn bản cần tách.")},
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reform_area"].queryset = reform_areas_for(year)
        self.fields["reform_area"].error_messages["required"] = _("Hãy chọn lĩnh vực CCHC.")

    def clean(self):
        cleaned = super().clean()
        if "block" in cleaned:
            cleaned["points"] = split_numbered_block(cleaned["block"])
            if not cleaned["points"]:
                self.add_error("block", _("Không tách được nội dung nào từ đoạn văn bản này."))
        return cleaned


class PasteReviewForm(forms.Form):
    """The split points as the user corrected them (textareas named
    ``point``, in order), ready to save. Emptied points are dropped."""

    kind = forms.ChoiceField(choices=FindingKind.choices, widget=forms.HiddenInput)
    reform_area = forms.ModelChoiceField(queryset=ReformArea.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reform_area"].queryset = reform_areas_for(year)
        self.points = [t.strip() for t in self.data.getlist("point")] if self.is_bound else []

    def clean(self):
        cleaned = super().clean()
        cleaned["points"] = [t for t in self.points if t]
        if not cleaned["points"]:
            raise forms.ValidationError(_("Không còn điểm nào để lưu."))
        return cleaned


class TaskForm(forms.Form):
    responsible_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị thực hiện"))
    deadline = forms.DateField(
        label=_("Hạn báo cáo"),
        widget=DateInput(),
        error_messages={"required": _("Hãy nhập hạn báo cáo."), "invalid": _("Ngày không hợp lệ.")},
    )

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.fields["responsible_unit"].queryset = responsible_unit_choices(inspection)
        self.fields["responsible_unit"].initial = inspection.unit_id

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < self.inspection.inspected_on:
            raise forms.ValidationError(
                _("Hạn báo cáo không được trước ngày kiểm tra (%(date)s).")
                % {"date": self.inspection.inspected_on.strftime("%d/%m/%Y")}
            )
        return deadline


def responsible_unit_choices(inspection):
    """The inspected unit, the units under it, and the other units of the plan."""
    return (
        Unit.objects.filter(path__startswith=inspection.unit.path)
        | Unit.objects.filter(planned_in=inspection.plan_id)
    ).distinct()


class BulkDeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=_("Hạn báo cáo cho tất cả nhiệm vụ"),
        widget=DateInput(),
        error_messages={"required": _("Hãy nhập hạn báo cáo."), "invalid": _("Ngày không hợp lệ.")},
    )


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    plan = forms.ModelChoiceField(queryset=InspectionPlan.objects.none(), label=_("Kế hoạch"), required=False)
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả"))] + InspectionStatus.choices
    )

    def __init__(self, *args, plans, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["unit"].queryset = units


class PlanForm(forms.ModelForm):
    class Meta:
        model = InspectionPlan
        fields = ["year", "number", "issued_on", "issuer", "title", "planned_units"]
        widgets = {
            "issued_on": DateInput(),
            "planned_units": forms.SelectMultiple(attrs={"size": 12}),
        }

    def __init__(self, *args, issuers, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers
        self.fields["planned_units"].queryset = units
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year


class TeamForm(forms.ModelForm):
    class Meta:
        model = InspectionTeam
        fields = ["name", "decision_number", "decision_date", "decision_issuer", "document_symbol"]
        widgets = {"decision_date": DateInput()}

    def __init__(self, *args, issuers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision_issuer"].queryset = issuers


class TeamMemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ"), max_length=255, required=False)
    organisation = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Cơ quan"), required=False)
    role = forms.ChoiceField(
        label=_("Nhiệm vụ trong đoàn"), choices=[("", "—"), *TeamRole.choices], required=False
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        # An empty row is left out; only a named member needs the rest.
        self.fields["full_name"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("full_name") and not cleaned.get("role"):
            self.add_error("role", _("Hãy chọn nhiệm vụ trong đoàn."))
        if not cleaned.get("full_name") and (cleaned.get("position") or cleaned.get("organisation")):
            self.add_error("full_name", _("Hãy nhập họ và tên thành viên."))
        return cleaned


class InspectionCreateForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị được kiểm tra"))
    team = forms.ModelChoiceField(
        queryset=InspectionTeam.objects.none(), label=_("Đoàn kiểm tra"), required=False
    )
    inspected_on = forms.DateField(
        label=_("Ngày kiểm tra"),
        widget=DateInput(),
        error_messages={"required": _("Hãy nhập ngày kiểm tra."), "invalid": _("Ngày không hợp lệ.")},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = plan.planned_units.exclude(inspections__plan=plan)
        self.fields["unit"].error_messages["invalid_choice"] = _(
            "Đơn vị này không có trong kế hoạch hoặc đã có cuộc kiểm tra."
        )
        self.fields["team"].queryset = plan.teams.all()


# Remediation reports -----------------------------------------------------


class ReportHeaderForm(forms.Form):
    document_number = forms.CharField(label=_("Số, ký hiệu báo cáo"), max_length=60, required=False)
    document_date = forms.DateField(
        label=_("Ngày báo cáo"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    summary = forms.CharField(label=_("Tóm tắt"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ItemForm(forms.Form):
    progress = forms.ChoiceField(
        label=_("Kết quả thực hiện"), choices=[("", "—"), *ItemProgress.choices], required=False
    )
    explanation = forms.CharField(
        label=_("Giải trình"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportFileKind.choices, widget=forms.HiddenInput)
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    file = forms.FileField(label=_("Tệp"), error_messages={"required": _("Hãy chọn tệp cần tải lên.")})


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[(ReviewDecision.ACCEPTED, ""), (ReviewDecision.RETURNED, "")])
    reason = forms.CharField(
        label=_("Lý do trả lại"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignmentForm(forms.Form):
    """What one numbered point of a draft assigns (see ``assignments.assignment_save``)."""

    section = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    point = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Đơn vị"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    groups = forms.MultipleChoiceField(
        choices=UnitGroup.choices, required=False, label=_("Nhóm đơn vị"), widget=forms.CheckboxSelectMultiple
    )
    deadline_kind = forms.ChoiceField(choices=DeadlineKind.choices, label=_("Thời hạn"))
    deadline_date = forms.DateField(
        required=False,
        label=_("Hạn"),
        widget=DateInput(),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=365,
        label=_("Số ngày"),
        error_messages={"min_value": _("Số ngày phải từ 1."), "max_value": _("Số ngày tối đa 365.")},
    )
    recurrence = forms.ChoiceField(choices=[("", "—"), *Recurrence.choices], required=False, label=_("Kỳ"))
    first_due = forms.DateField(
        required=False,
        label=_("Hạn kỳ đầu"),
        widget=DateInput(),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    monitoring_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, label=_("Đơn vị theo dõi")
    )

    def __init__(self, *args, units_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units_queryset
        self.fields["monitoring_unit"].queryset = units_queryset


class TaskHandOverForm(forms.Form):
    """Which successor of a split unit carries on a task, and why; the
    province confirms before the task moves."""

    successor = forms.ModelChoiceField(
        label=_("Giao cho đơn vị kế thừa"),
        queryset=Unit.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: địa bàn của nhiệm vụ thuộc xã này theo Nghị quyết sắp xếp."),
    )
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận giao nhiệm vụ này cho đơn vị kế thừa đã chọn; đơn vị đó sẽ báo cáo nhiệm vụ."),
    )

    def __init__(self, *args, successors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = Unit.objects.filter(
            pk__in=[unit.pk for unit in successors]
        ).order_by("path")
