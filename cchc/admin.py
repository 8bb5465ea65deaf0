from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .models import DraftingUnit, Membership, ReformArea, Seal, Signatory, Unit, UnitSuccession, User
from .unit_lists import read_national_list
from .unit_loader import describe_load, load_official_units


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
    change_list_template = "admin/cchc/unit/change_list.html"

    def get_urls(self):
        load = self.admin_site.admin_view(self.load_official_view)
        return [path("load-official/", load, name="cchc_unit_load_official"), *super().get_urls()]

    def load_official_view(self, request):
        """Load provinces from the official lists (``load_units`` in the
        browser): a few at a time, so that one request stays short; all 34
        at once is the command's."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        national = read_national_list()
        choices = [(code, f"{code} – {unit.name}") for code, unit in sorted(national.provinces.items())]
        form = OfficialUnitsForm(request.POST or None, choices=choices)
        lines = []
        if request.method == "POST" and form.is_valid():
            result = load_official_units(
                provinces=form.cleaned_data["provinces"],
                national=national,
                bodies=form.cleaned_data["bodies"],
            )
            lines = describe_load(result)
            messages.success(request, _("Đã nạp danh mục đơn vị hành chính chính thức."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nạp đơn vị hành chính từ danh mục chính thức"),
            "form": form,
            "lines": lines,
            "version": national.version,
            "max_provinces": OfficialUnitsForm.MAX_PROVINCES,
        }
        return TemplateResponse(request, "admin/cchc/unit/load_official.html", context)


class OfficialUnitsForm(forms.Form):
    MAX_PROVINCES = 5

    provinces = forms.MultipleChoiceField(
        label=_("Tỉnh, thành phố"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một tỉnh, thành phố.")},
    )
    bodies = forms.BooleanField(
        label=_("Tạo các sở, ban, ngành mặc định của tỉnh"), required=False, initial=True
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provinces"].choices = choices

    def clean_provinces(self):
        provinces = self.cleaned_data["provinces"]
        if len(provinces) > self.MAX_PROVINCES:
            raise forms.ValidationError(
                _("Mỗi lần nạp tối đa %(count)s tỉnh; cả 34 tỉnh: lệnh manage.py load_units --all.")
                % {"count": self.MAX_PROVINCES}
            )
        return provinces


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
