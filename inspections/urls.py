from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
]
