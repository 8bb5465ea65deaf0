"""A scratch URL map for the access matrix's own test: the project's URLs
plus one named pattern that has no row, which the matrix must report."""

from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("", include("cchc.urls")),
    path("matrix-extra/", lambda request: HttpResponse("extra"), name="matrix_extra"),
]
