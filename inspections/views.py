from django.views.generic import DetailView, ListView

from cchc.mixins import ScopedViewMixin

from . import selectors


class InspectionListView(ScopedViewMixin, ListView):
    template_name = "inspections/inspection_list.html"
    context_object_name = "inspections"
    paginate_by = 50

    def scoped_queryset(self, user):
        return selectors.inspection_list(user)


class InspectionDetailView(ScopedViewMixin, DetailView):
    template_name = "inspections/inspection_detail.html"
    context_object_name = "inspection"

    def scoped_queryset(self, user):
        return selectors.inspection_detail(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parts"] = selectors.findings_by_kind(self.object)
        context["can_edit"] = selectors.can_edit_inspection(self.request.user, self.object)
        return context
