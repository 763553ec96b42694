from django.urls import path

from .views import action_plans, agreement, bodies, handover, medskick, priorities

app_name = "councils"

urlpatterns = [
    path("", bodies.overview, name="overview"),
    path("organ/<int:pk>/", bodies.body_detail, name="body"),
    path("organ/<int:pk>/andra/", bodies.body_edit, name="body_edit"),
    path("organ/<int:pk>/motesplan/", bodies.meeting_plan, name="meeting_plan"),
    path("overenskommelse/", agreement.agreement_list, name="agreements"),
    path("overenskommelse/<int:pk>/", agreement.agreement_detail, name="agreement"),
    path(
        "overenskommelse/<int:pk>/dokument/",
        agreement.agreement_document,
        name="agreement_document",
    ),
    path(
        "overenskommelse/<int:pk>/ladda-upp/", agreement.agreement_upload, name="agreement_upload"
    ),
    path(
        "overenskommelse/<int:pk>/uppsagning/",
        agreement.agreement_terminate,
        name="agreement_terminate",
    ),
    path("medskick/", medskick.medskick_list, name="medskick_list"),
    path("medskick/nytt/", medskick.medskick_create, name="medskick_create"),
    path("medskick/<int:pk>/", medskick.medskick_detail, name="medskick"),
    path("medskick/<int:pk>/mottaget/", medskick.medskick_receive, name="medskick_receive"),
    path("medskick/<int:pk>/svar/", medskick.medskick_answer, name="medskick_answer"),
    path("medskick/<int:pk>/avsluta/", medskick.medskick_close, name="medskick_close"),
    path("prioriteringar/", priorities.priority_list, name="priorities"),
    path("prioriteringar/ny/", priorities.priority_create, name="priority_create"),
    path("prioriteringar/<int:pk>/", priorities.priority_edit, name="priority_edit"),
    path("medborgarloften/", priorities.promise_list, name="promises"),
    path("medborgarloften/nytt/", priorities.promise_create, name="promise_create"),
    path("medborgarloften/<int:pk>/", priorities.promise_detail, name="promise"),
    path("medborgarloften/<int:pk>/aktivitet/", priorities.activity_create, name="activity_create"),
    path(
        "medborgarloften/<int:pk>/aktivitet/<int:activity_pk>/",
        priorities.activity_edit,
        name="activity_edit",
    ),
    path("handlingsplaner/", action_plans.action_plan_list, name="action_plans"),
    path(
        "handlingsplaner/<int:municipality_pk>/<slug:area>/",
        action_plans.action_plan_edit,
        name="action_plan_edit",
    ),
    path("overlamning/", handover.handover_list, name="handovers"),
    path("overlamning/ny/", handover.handover_create, name="handover_create"),
    path("utan-ansvarig/", handover.orphans, name="orphans"),
]
