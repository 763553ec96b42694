from django.contrib.auth import views as auth_views
from django.urls import path

from . import notification_views, twofactor_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "logga-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("notiser/", notification_views.notification_list, name="notifications"),
    path("notiser/<int:pk>/", notification_views.open_notification, name="open_notification"),
    path(
        "notiser/<int:pk>/last/",
        notification_views.mark_notification_read,
        name="mark_notification_read",
    ),
    path(
        "notiser/alla-lasta/",
        notification_views.mark_all_notifications_read,
        name="mark_all_notifications_read",
    ),
    path("rollbeviljanden/", views.role_grants, name="role_grants"),
    path("tvafaktor/", twofactor_views.overview, name="twofactor"),
    path("tvafaktor/verifiera/", twofactor_views.verify, name="twofactor_verify"),
    path("tvafaktor/aktivera/", twofactor_views.enrol, name="twofactor_enrol"),
    path("tvafaktor/reservkoder/", twofactor_views.backup_codes, name="twofactor_backup_codes"),
    path("tvafaktor/aterstallningar/", twofactor_views.resets, name="twofactor_resets"),
    path("konto/aktivera/<str:token>/", twofactor_views.enrol_with_link, name="enrol_with_link"),
]
