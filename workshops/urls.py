from django.urls import path

from workshops import views

app_name = "workshops"

urlpatterns = [
    # Everyone: join by a code (the token is the code: pages opened with it are not stored).
    path("", views.hub, name="hub"),
    path("rejoindre/<str:token>/", views.join, name="join"),
    path("participer/<id:pk>/", views.participate, name="participate"),
    # Opening: an organisation's facilitators; events: CRESS admins and ambassadors.
    path("organisation/<id:org_pk>/ouvrir/", views.new, name="new"),
    path("evenement/ouvrir/", views.new_event, name="new_event"),
    path("evenement/inscrire/", views.link, name="link"),
    path("evenement/organisation/<id:pk>/", views.entry, name="entry"),
    # The workshop's facilitators.
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/pilotage/", views.control, name="control"),
    path("<id:pk>/clore/", views.close, name="close"),
    path("<id:pk>/projection/", views.project, name="project"),
    path("<id:pk>/divergences/", views.agenda, name="agenda"),
    path("<id:pk>/divergences/<id:question_pk>/", views.agenda_item, name="agenda_item"),
    path("<id:pk>/decisions/", views.decisions, name="decisions"),
    path("<id:pk>/decisions/<id:action_pk>/", views.decide, name="decide"),
    path("<id:pk>/terminer-le-diagnostic/", views.complete_diagnostic, name="complete_diagnostic"),
    path("<id:pk>/compte-rendu/", views.report_page, name="report"),
    path("<id:pk>/compte-rendu.pdf", views.report_pdf, name="report_pdf"),
]
