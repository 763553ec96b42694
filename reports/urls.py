"""URLs of the status reports (mounted at /rapporter/)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("lasningar/", views.reads, name="reads"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.progress, name="progress"),
    path("<int:pk>/rapport.pdf", views.pdf, name="pdf"),
    path("<int:pk>/rapport.csv", views.csv, name="csv"),
    path("<int:pk>/kommun/", views.municipality, name="municipality"),
    path("<int:pk>/kommun/<str:code>.pdf", views.municipality_pdf, name="municipality_pdf"),
]
