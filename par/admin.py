from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Band,
    CriteriaNode,
    CriteriaSet,
    Cycle,
    CycleUnit,
    Evidence,
    ItemScore,
    Result,
    Scorecard,
    SurveyImport,
    SurveyResult,
)


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "unit_group", "province", "decision_number", "decision_date", "status"]
    list_filter = ["year", "unit_group", "status"]
    search_fields = ["name", "decision_number", "province__name"]
    autocomplete_fields = ["province", "copied_from", "created_by", "issued_by"]
    list_select_related = ["province"]
    inlines = [BandInline]


@admin.register(CriteriaNode)
class CriteriaNodeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "criteria_set",
        "level",
        "max_points",
        "assessment",
        "method",
        "appraising_unit",
    ]
    list_filter = ["criteria_set__year", "assessment", "method", "na_policy"]
    search_fields = ["code", "name", "criteria_set__name"]
    autocomplete_fields = ["criteria_set", "parent", "appraising_unit"]
    list_select_related = ["criteria_set", "appraising_unit"]


class CycleUnitInline(admin.TabularInline):
    model = CycleUnit
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "year",
        "province",
        "criteria_set",
        "status",
        "self_assessment_due",
        "publication_due",
    ]
    list_filter = ["year", "status"]
    search_fields = ["name", "province__name"]
    autocomplete_fields = ["province", "criteria_set", "created_by"]
    raw_id_fields = ["decision"]
    list_select_related = ["province", "criteria_set"]
    inlines = [CycleUnitInline]


@admin.register(Scorecard)
class ScorecardAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "cycle", "status", "submitted_at", "locked_at"]
    list_filter = ["status", "cycle__year"]
    search_fields = ["unit__name", "cycle__name"]
    autocomplete_fields = ["cycle", "unit", "submitted_by", "round1_by", "explained_by", "locked_by"]
    list_select_related = ["unit", "cycle"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ["added_by"]
    raw_id_fields = ["document"]
    readonly_fields = ["sha256", "size", "content_type"]


@admin.register(ItemScore)
class ItemScoreAdmin(SimpleHistoryAdmin):
    list_display = ["scorecard", "node", "self_score", "not_applicable", "round1_score", "round2_score"]
    list_filter = ["scorecard__cycle__year", "not_applicable", "explanation_requested"]
    search_fields = ["scorecard__unit__name", "node__code", "node__name"]
    autocomplete_fields = ["scorecard", "node", "round1_by", "round2_by"]
    list_select_related = ["scorecard__unit", "node"]
    inlines = [EvidenceInline]


@admin.register(SurveyImport)
class SurveyImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "cycle", "rows", "created_at", "imported_by"]
    search_fields = ["original_name", "cycle__name"]
    autocomplete_fields = ["cycle", "imported_by"]


@admin.register(SurveyResult)
class SurveyResultAdmin(admin.ModelAdmin):
    list_display = ["unit", "node", "points", "cycle"]
    list_filter = ["cycle__year"]
    search_fields = ["unit__name", "node__code"]
    autocomplete_fields = ["cycle", "unit", "node", "source_import"]
    list_select_related = ["unit", "node", "cycle"]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["unit", "cycle", "index", "band", "rank", "provisional", "version"]
    list_filter = ["cycle__year", "provisional"]
    search_fields = ["unit__name", "cycle__name"]
    autocomplete_fields = ["cycle", "unit"]
    raw_id_fields = ["band"]
    list_select_related = ["unit", "cycle", "band"]
