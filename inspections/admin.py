from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    RemediationReport,
    RemediationReportItem,
    RemediationTask,
    ReportFile,
    TaskAssignment,
    TeamMember,
    WorkCalendarDay,
)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ["number", "issued_on", "year", "issuer", "title"]
    list_filter = ["year"]
    search_fields = ["number", "title", "issuer__name"]
    autocomplete_fields = ["issuer", "planned_units", "created_by"]
    date_hierarchy = "issued_on"
    list_select_related = ["issuer"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(InspectionTeam)
class InspectionTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "decision_number", "decision_date", "plan", "document_symbol"]
    list_filter = ["plan__year"]
    search_fields = ["name", "decision_number", "plan__number"]
    autocomplete_fields = ["plan", "decision_issuer"]
    inlines = [TeamMemberInline]
    list_select_related = ["plan"]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "role", "position", "organisation", "team"]
    list_filter = ["role"]
    search_fields = ["full_name", "position", "team__name"]
    autocomplete_fields = ["team", "user", "organisation"]
    list_select_related = ["team", "organisation"]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["kind", "position", "reform_area", "text"]
    autocomplete_fields = ["reform_area"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["unit", "inspected_on", "plan", "status", "notice_issued_at"]
    list_filter = ["status", "plan__year", "unit__kind"]
    search_fields = ["unit__name", "plan__number", "team__name"]
    autocomplete_fields = ["plan", "team", "unit", "created_by"]
    date_hierarchy = "inspected_on"
    inlines = [FindingInline]
    list_select_related = ["unit", "plan"]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["inspection", "kind", "position", "reform_area", "short_text", "updated_at"]
    list_filter = ["kind", "reform_area", "inspection__plan__year"]
    search_fields = ["text", "inspection__unit__name"]
    autocomplete_fields = ["inspection", "reform_area", "created_by"]
    list_select_related = ["inspection__unit", "reform_area"]

    @admin.display(description=_("Nội dung"))
    def short_text(self, obj):
        return obj.text[:100]


@admin.register(RemediationTask)
class RemediationTaskAdmin(SimpleHistoryAdmin):
    list_display = ["description", "responsible_unit", "deadline", "status", "inspection"]
    list_filter = ["status", "deadline", "reform_area"]
    search_fields = ["description", "responsible_unit__name", "inspection__unit__name"]
    autocomplete_fields = ["inspection", "finding", "responsible_unit", "reform_area", "created_by"]
    date_hierarchy = "deadline"
    list_select_related = ["responsible_unit", "inspection__unit"]


class ReportItemInline(admin.TabularInline):
    model = RemediationReportItem
    extra = 0
    autocomplete_fields = ["task", "reviewed_by"]


class ReportFileInline(admin.TabularInline):
    model = ReportFile
    extra = 0
    fields = ["kind", "item", "original_name", "content_type", "size", "sha256"]
    readonly_fields = ["original_name", "content_type", "size", "sha256"]


@admin.register(RemediationReport)
class RemediationReportAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "inspection", "revision", "status", "submitted_at", "is_late"]
    list_filter = ["status", "is_late"]
    search_fields = ["unit__name", "document_number", "inspection__unit__name"]
    autocomplete_fields = ["inspection", "unit", "previous", "submitted_by"]
    inlines = [ReportItemInline, ReportFileInline]
    list_select_related = ["unit", "inspection__unit"]


@admin.register(RemediationReportItem)
class RemediationReportItemAdmin(SimpleHistoryAdmin):
    list_display = ["report", "task", "progress", "decision", "reviewed_at"]
    list_filter = ["progress", "decision"]
    search_fields = ["task__description", "explanation", "review_reason"]
    autocomplete_fields = ["report", "task", "reviewed_by"]


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "report", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["original_name", "sha256", "report__unit__name"]
    autocomplete_fields = ["report", "item", "uploaded_by"]
    readonly_fields = ["sha256", "size", "content_type"]


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    """The working calendar's amendments: days off that Vietnam's public
    holidays do not list, and Saturdays worked in exchange."""

    list_display = ["day", "is_working", "note"]
    list_filter = ["is_working"]
    search_fields = ["note"]
    date_hierarchy = "day"


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(admin.ModelAdmin):
    list_display = ["document", "point", "deadline_kind", "monitoring_unit", "resolved_on"]
    list_filter = ["deadline_kind", "recurrence"]
    autocomplete_fields = ["units", "monitoring_unit", "resolved_units"]
    readonly_fields = ["document", "resolved_on", "resolved_units"]
    list_select_related = ["document", "monitoring_unit"]
