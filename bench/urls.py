from django.urls import path

from . import views
from .admin_site import site

urlpatterns = [
    path("floor/", views.signed_in_floor, name="bench_floor"),
    path("bare/", views.bare, name="bench_bare"),
    path("admin/", site.urls),
]
