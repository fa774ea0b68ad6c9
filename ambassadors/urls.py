from django.urls import path

from ambassadors import views

app_name = "ambassadors"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("ambassadeurs/<id:pk>/", views.ambassador_detail, name="ambassador_detail"),
    path("ambassadeurs/<id:pk>/ecrire/", views.ambassador_contact, name="ambassador_contact"),
    path("candidature/", views.apply, name="apply"),
    path("candidature/renouveler/", views.renew, name="renew"),
    path("mon-espace/", views.my_space, name="my_space"),
    # Events
    path("evenements/", views.events, name="events"),
    path("evenements/agenda.ics", views.events_feed, name="events_feed"),
    path("evenements/nouveau/", views.event_create, name="event_create"),
    path("evenements/<id:pk>/", views.event_detail, name="event_detail"),
    path("evenements/<id:pk>/evenement.ics", views.event_ics, name="event_ics"),
    path("evenements/<id:pk>/inscription/", views.event_register, name="event_register"),
    path("evenements/<id:pk>/desinscription/", views.event_unregister, name="event_unregister"),
    path(
        "evenements/<id:pk>/inscription-sans-compte/",
        views.event_register_visitor,
        name="event_register_visitor",
    ),
    # A visitor's personal link (the token is e-mailed to them, only its hash is stored).
    path(
        "evenements/inscription/<str:token>/",
        views.visitor_registration,
        name="visitor_registration",
    ),
    path(
        "evenements/inscription/<str:token>/confirmer/",
        views.visitor_confirm,
        name="visitor_confirm",
    ),
    path("evenements/<id:pk>/modifier/", views.event_edit, name="event_edit"),
    path("evenements/<id:pk>/annuler/", views.event_cancel, name="event_cancel"),
    path("evenements/<id:pk>/participants/", views.event_attendance, name="event_attendance"),
    # Support requests
    path("organisations/<id:pk>/demandes/", views.request_list, name="request_list"),
    path("organisations/<id:pk>/demandes/nouvelle/", views.request_create, name="request_create"),
    path("demandes/<id:pk>/", views.request_detail, name="request_detail"),
    path("demandes/<id:pk>/choisir/", views.request_choose, name="request_choose"),
    path("demandes/<id:pk>/repondre/", views.request_respond, name="request_respond"),
    path("demandes/<id:pk>/cloturer/", views.request_close, name="request_close"),
    # Fiches pratiques
    path("fiches/", views.resources, name="resources"),
    path("fiches/nouvelle/", views.resource_create, name="resource_create"),
    path("fiches/<id:pk>/", views.resource_detail, name="resource_detail"),
    path("fiches/<id:pk>/modifier/", views.resource_edit, name="resource_edit"),
    path("fiches/<id:pk>/fichier.pdf", views.resource_pdf, name="resource_pdf"),
    # CRESS admins
    path("cress/", views.cress, name="cress"),
    path("cress/candidatures/<id:pk>/", views.application_decide, name="application_decide"),
    path(
        "cress/ambassadeurs/<id:pk>/retirer/",
        views.ambassador_withdraw,
        name="ambassador_withdraw",
    ),
    path("cress/fiches/<id:pk>/", views.resource_moderate, name="resource_moderate"),
]
