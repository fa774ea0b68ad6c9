from django.urls import path

from ambassadors import views

app_name = "ambassadors"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("ambassadeurs/<int:pk>/", views.ambassador_detail, name="ambassador_detail"),
    path("ambassadeurs/<int:pk>/ecrire/", views.ambassador_contact, name="ambassador_contact"),
    path("candidature/", views.apply, name="apply"),
    path("candidature/renouveler/", views.renew, name="renew"),
    path("mon-espace/", views.my_space, name="my_space"),
    # Events
    path("evenements/", views.events, name="events"),
    path("evenements/agenda.ics", views.events_feed, name="events_feed"),
    path("evenements/nouveau/", views.event_create, name="event_create"),
    path("evenements/<int:pk>/", views.event_detail, name="event_detail"),
    path("evenements/<int:pk>/evenement.ics", views.event_ics, name="event_ics"),
    path("evenements/<int:pk>/inscription/", views.event_register, name="event_register"),
    path("evenements/<int:pk>/desinscription/", views.event_unregister, name="event_unregister"),
    path("evenements/<int:pk>/modifier/", views.event_edit, name="event_edit"),
    path("evenements/<int:pk>/annuler/", views.event_cancel, name="event_cancel"),
    path("evenements/<int:pk>/participants/", views.event_attendance, name="event_attendance"),
    # Support requests
    path("organisations/<int:pk>/demandes/", views.request_list, name="request_list"),
    path("organisations/<int:pk>/demandes/nouvelle/", views.request_create, name="request_create"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("demandes/<int:pk>/choisir/", views.request_choose, name="request_choose"),
    path("demandes/<int:pk>/repondre/", views.request_respond, name="request_respond"),
    path("demandes/<int:pk>/cloturer/", views.request_close, name="request_close"),
    # Fiches pratiques
    path("fiches/", views.resources, name="resources"),
    path("fiches/nouvelle/", views.resource_create, name="resource_create"),
    path("fiches/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("fiches/<int:pk>/modifier/", views.resource_edit, name="resource_edit"),
    path("fiches/<int:pk>/fichier.pdf", views.resource_pdf, name="resource_pdf"),
    # CRESS admins
    path("cress/", views.cress, name="cress"),
    path("cress/candidatures/<int:pk>/", views.application_decide, name="application_decide"),
    path(
        "cress/ambassadeurs/<int:pk>/retirer/",
        views.ambassador_withdraw,
        name="ambassador_withdraw",
    ),
    path("cress/fiches/<int:pk>/", views.resource_moderate, name="resource_moderate"),
]
