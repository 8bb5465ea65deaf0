from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Indicator,
    IndicatorAlias,
    IndicatorImport,
    IndicatorTable,
    IndicatorTableEvent,
    IndicatorTemplate,
    IndicatorValue,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "position",
        "number",
        "name",
        "value_kind",
        "rollup",
        "allows_not_applicable",
        "numerator_within_denominator",
        "within_parent",
        "unit_kinds",
    ]
    ordering = ["position"]


@admin.register(IndicatorTemplate)
class IndicatorTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "valid_from_year", "valid_to_year", "position"]
    list_filter = ["code"]
    search_fields = ["code", "short_name", "title"]
    inlines = [IndicatorInline]


class EventInline(admin.TabularInline):
    model = IndicatorTableEvent
    extra = 0
    readonly_fields = ["action", "text", "data", "author", "created_at"]
    can_delete = False


@admin.register(IndicatorTable)
class IndicatorTableAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "through", "status", "updated_at"]
    list_filter = ["status", "year"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["created_by", "submitted_at", "approved_at", "approved_by", "locked_at"]
    list_select_related = ["unit"]
    inlines = [EventInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["table", "indicator", "not_applicable", "number", "denominator", "needs_acknowledgement"]
    list_filter = ["needs_acknowledgement", "indicator__template__code"]
    search_fields = ["table__unit__name", "indicator__number"]
    raw_id_fields = ["table", "indicator", "source_import"]
    readonly_fields = [
        "warnings",
        "acknowledged_warnings",
        "acknowledged_by",
        "acknowledged_at",
        "updated_by",
    ]
    list_select_related = ["table__unit", "indicator"]


@admin.register(IndicatorImport)
class IndicatorImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "unit", "status", "created_by", "created_at", "imported_at"]
    list_filter = ["status"]
    search_fields = ["original_name", "unit__name"]
    readonly_fields = [field.name for field in IndicatorImport._meta.fields]
    list_select_related = ["unit", "created_by"]

    def has_add_permission(self, request):
        # An import is made by uploading a workbook on the import page; the
        # admin's add form had no field to fill and failed on save.
        return False


@admin.register(IndicatorAlias)
class IndicatorAliasAdmin(admin.ModelAdmin):
    """The names offices write for indicators, per version of an appendix:
    administrators see, correct and remove what imports remembered."""

    list_display = ["name", "indicator", "template", "created_by", "created_at"]
    list_filter = ["template"]
    search_fields = ["name", "indicator__name", "indicator__number"]
    autocomplete_fields = []
    raw_id_fields = ["indicator"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
