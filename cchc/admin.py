from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import DraftingUnit, Membership, ReformArea, Seal, Signatory, Unit, UnitSuccession, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]
    fk_name = "user"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "position", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email", "memberships__unit__name"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Thông tin cá nhân"), {"fields": ["full_name", "position", "email", "phone"]}),
        (
            _("Quyền"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Thời gian"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]}),
    ]
    inlines = [MembershipInline]


class ChildUnitInline(admin.TabularInline):
    model = Unit
    fk_name = "parent"
    extra = 0
    fields = ["name", "kind", "code", "valid_from", "valid_to"]
    show_change_link = True


class SuccessionOutInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    verbose_name = _("đơn vị kế thừa")
    verbose_name_plural = _("đơn vị kế thừa")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]
    list_select_related = ["parent"]
    inlines = [SuccessionOutInline, ChildUnitInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_date", "is_illustrative"]
    list_filter = ["kind", "effective_date", "is_illustrative"]
    search_fields = ["predecessor__name", "successor__name", "legal_basis"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "valid_from", "valid_to"]
    list_filter = ["role", ("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__full_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(ReformArea)
class ReformAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "valid_from_year", "valid_to_year", "position"]
    list_filter = ["valid_from_year", "programme"]
    search_fields = ["name", "code"]
    ordering = ["valid_from_year", "position"]


@admin.register(DraftingUnit)
class DraftingUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["code", "name", "unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    """Signers of each body, with the image of their signature (a blue,
    transparent PNG, checked on upload)."""

    list_display = ["full_name", "position", "unit", "valid_from", "valid_to"]
    search_fields = ["full_name", "unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(Seal)
class SealAdmin(admin.ModelAdmin):
    """Each body's seal image (a red, transparent PNG, checked on upload)."""

    list_display = ["unit", "diameter_mm"]
    search_fields = ["unit__name"]
    autocomplete_fields = ["unit"]
