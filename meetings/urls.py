"""URLs of the meetings app, under /moten/."""

from django.urls import path

from .views import agenda, feed, meetings, minutes, pictures

app_name = "meetings"

urlpatterns = [
    path("", meetings.meeting_list, name="list"),
    path("schema/", meetings.schedule, name="schedule"),
    path("nytt/", meetings.meeting_create, name="create"),
    path("<int:pk>/", meetings.meeting_detail, name="detail"),
    path("<int:pk>/andra/", meetings.meeting_edit, name="edit"),
    path("<int:pk>/stall-in/", meetings.meeting_cancel, name="cancel"),
    path("<int:pk>/narvaro/", meetings.attendance, name="attendance"),
    path("<int:pk>/dagordning/skapa/", agenda.agenda_create, name="agenda_create"),
    path("<int:pk>/dagordning/ny/", agenda.item_add, name="item_add"),
    path("<int:pk>/dagordning/<int:item_pk>/flytta/", agenda.item_move, name="item_move"),
    path("<int:pk>/dagordning/<int:item_pk>/ta-bort/", agenda.item_remove, name="item_remove"),
    path("<int:pk>/dagordning/skicka/", agenda.agenda_send, name="agenda_send"),
    path("<int:pk>/kallelse.pdf", agenda.agenda_download, name="agenda_pdf"),
    path("<int:pk>/kallelse/v<int:number>.pdf", agenda.agenda_download, name="agenda_version_pdf"),
    path("<int:pk>/protokoll/", minutes.minutes_edit, name="minutes"),
    path("<int:pk>/protokoll/beslut/", minutes.decision_add, name="decision_add"),
    path("<int:pk>/protokoll/atgard/", minutes.action_add, name="action_add"),
    path("<int:pk>/protokoll/justerare/", minutes.justering, name="justering"),
    path("<int:pk>/protokoll/justera/", minutes.minutes_approve, name="minutes_approve"),
    path("<int:pk>/protokoll/rattelse/", minutes.minutes_correct, name="minutes_correct"),
    path("<int:pk>/protokoll.pdf", minutes.minutes_download, name="minutes_pdf"),
    path(
        "<int:pk>/protokoll/v<int:number>.pdf",
        minutes.minutes_download,
        name="minutes_version_pdf",
    ),
    path("<int:pk>/lagesbild/", pictures.picture_submit, name="picture_submit"),
    path("lagesbild/", pictures.picture_overview, name="pictures"),
    path("lagesbild/<int:org_pk>/", pictures.picture_history, name="picture_history"),
    path("lagesbild/<int:org_pk>/<slug:area>.svg", pictures.picture_chart, name="picture_chart"),
    path("beslut/", minutes.decision_register, name="decisions"),
    path("atgarder/", minutes.action_list, name="actions"),
    path("atgarder/<int:pk>/status/", minutes.action_status, name="action_status"),
    path("kalender/", feed.feed_page, name="feed"),
    path("kalender/ny/", feed.feed_new, name="feed_new"),
    path("kalender/aterkalla/", feed.feed_revoke, name="feed_revoke"),
    path("kalender/<uuid:token>.ics", feed.feed_ics, name="feed_ics"),
]
