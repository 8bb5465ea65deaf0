"""Pages of people: the Excel import of users and memberships (upload,
preview, save), the people of a unit, and the one-time page to set a
password."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from .access import ADMINISTRATORS, scope_q
from .mixins import ScopedViewMixin
from .models import Membership, Unit
from .people import MAX_PROBLEMS_SHOWN, PersonRow, people_import_read, people_import_save

SESSION_KEY = "cchc_people_import"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class PeopleImportView(ScopedViewMixin, View):
    required_action = "people.manage"
    template_name = "cchc/people_import.html"

    def get(self, request):
        request.session.pop(SESSION_KEY, None)
        return render(request, self.template_name, {})

    def post(self, request):
        if "save" in request.POST:
            return self.save(request)
        upload = request.FILES.get("file")
        if upload is None:
            return render(request, self.template_name, {"problems": [_("Hãy chọn tệp Excel (.xlsx).")]})
        if upload.size > MAX_UPLOAD_BYTES:
            return render(request, self.template_name, {"problems": [_("Tệp lớn hơn 10 MB.")]})
        preview = people_import_read(upload, user=request.user)
        if preview.problems:
            request.session.pop(SESSION_KEY, None)
            shown = preview.problems[:MAX_PROBLEMS_SHOWN]
            return render(
                request,
                self.template_name,
                {
                    "problems": shown,
                    "problems_total": len(preview.problems),
                    "problems_more": len(preview.problems) - len(shown),
                    "name": upload.name,
                },
            )
        request.session[SESSION_KEY] = preview.as_session()
        return render(request, self.template_name, {"preview": preview, "name": upload.name})

    def save(self, request):
        stored = request.session.get(SESSION_KEY)
        if not stored:
            messages.error(request, _("Không còn bản xem trước: hãy tải tệp lên lại."))
            return redirect("people_import")
        rows = [PersonRow(**row) for row in stored]
        try:
            preview = people_import_save(rows, user=request.user, base_url=request.build_absolute_uri("/"))
        except ValidationError as error:
            return render(request, self.template_name, {"problems": error.messages})
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _(
                "Đã lưu: %(users)s người dùng mới, %(memberships)s phân công mới. Người dùng mới đã được gửi thư đặt mật khẩu."  # noqa: E501
            )
            % {"users": preview.new_users, "memberships": preview.new_memberships},
        )
        return redirect("people_import")


class UnitPeopleView(ScopedViewMixin, DetailView):
    """Who holds which role in a unit: current and past memberships."""

    required_action = "people.manage"
    template_name = "cchc/unit_people.html"
    context_object_name = "unit"

    def scoped_queryset(self, user):
        return Unit.objects.filter(scope_q(user, "pk", ADMINISTRATORS))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        memberships = (
            Membership.objects.filter(unit=self.object)
            .select_related("user")
            .order_by("role", "user__full_name")
        )
        current = set(Membership.objects.current().filter(unit=self.object).values_list("pk", flat=True))
        context["rows"] = [(membership, membership.pk in current) for membership in memberships]
        return context


class PasswordSetView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_set.html"
    success_url = reverse_lazy("password_set_done")
    post_reset_login = False


class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_set_done.html"
