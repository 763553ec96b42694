from django.urls import path

from .views import audit, case, desk, escalations, intake, readlog, work

app_name = "cases"

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("export.csv", desk.export, name="export"),
    path("anmal/", intake.report, name="report"),
    path("mina-anmalningar/", intake.my_reports, name="my_reports"),
    path("lasloggen/", readlog.read_log, name="read_log"),
    path("lasloggen/arende/", audit.case_audit_page, name="case_audit"),
    path("lasloggen/arende/pdf/", audit.case_audit_download, name="case_audit_pdf"),
    path("inkorg/", escalations.queue, name="queue"),
    path("eskalering/<int:pk>/", escalations.detail, name="escalation"),
    path("eskalering/<int:pk>/kvittera/", escalations.acknowledge, name="escalation_acknowledge"),
    path("eskalering/<int:pk>/svar/", escalations.answer, name="escalation_answer"),
    path("eskalering/<int:pk>/avsluta/", escalations.close, name="escalation_close"),
    path("eskalering/<int:pk>/sapo/", escalations.security_service, name="escalation_sapo"),
    path("eskalering/<int:pk>/aterkalla/", escalations.withdraw, name="escalation_withdraw"),
    path("forslag/<int:pk>/godta/", escalations.accept, name="proposal_accept"),
    path("<str:reference>/", case.detail, name="detail"),
    path("<str:reference>/andra/", case.edit, name="edit"),
    path("<str:reference>/status/", work.transition, name="transition"),
    path("<str:reference>/atagande/", work.commitment, name="commitment"),
    path("<str:reference>/kontaktplan/", work.cadence, name="cadence"),
    path("<str:reference>/kontakt/", work.contact_add, name="contact_add"),
    path("<str:reference>/avsluta/", work.close, name="close"),
    path("<str:reference>/ateroppna/", work.reopen, name="reopen"),
    path("<str:reference>/anteckning/", case.add_note, name="add_note"),
    path("<str:reference>/pseudonym/", case.add_subject, name="add_subject"),
    path("<str:reference>/agare/", case.reassign, name="reassign"),
    path("<str:reference>/tidslinje/", case.case_timeline, name="timeline"),
    path("<str:reference>/pdf/", case.pdf, name="pdf"),
    path("<str:reference>/eskalera/", escalations.escalate, name="escalate"),
    path("<str:reference>/insatser/ny/", work.measure_edit, name="measure_create"),
    path("<str:reference>/insatser/<int:pk>/", work.measure_edit, name="measure_edit"),
    path("<str:reference>/samtycken/nytt/", work.consent_edit, name="consent_create"),
    path("<str:reference>/samtycken/<int:pk>/", work.consent_edit, name="consent_edit"),
]
