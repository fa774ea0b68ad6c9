from django.urls import path

from ambassadors.views import applications, cress, directory, events, resources, support, visitors

app_name = "ambassadors"

urlpatterns = [
    path("", directory.directory, name="directory"),
    path("ambassadeurs/<id:pk>/", directory.ambassador_detail, name="ambassador_detail"),
    path("ambassadeurs/<id:pk>/ecrire/", directory.ambassador_contact, name="ambassador_contact"),
    path("candidature/", applications.apply, name="apply"),
    path("candidature/renouveler/", applications.renew, name="renew"),
    path("mon-espace/", applications.my_space, name="my_space"),
    # Events
    path("evenements/", events.events, name="events"),
    path("evenements/agenda.ics", events.events_feed, name="events_feed"),
    path("evenements/nouveau/", events.event_create, name="event_create"),
    path("evenements/<id:pk>/", events.event_detail, name="event_detail"),
    path("evenements/<id:pk>/evenement.ics", events.event_ics, name="event_ics"),
    path("evenements/<id:pk>/inscription/", events.event_register, name="event_register"),
    path("evenements/<id:pk>/desinscription/", events.event_unregister, name="event_unregister"),
    path(
        "evenements/<id:pk>/inscription-sans-compte/",
        visitors.event_register_visitor,
        name="event_register_visitor",
    ),
    # A visitor's personal link (the token is e-mailed to them, only its hash is stored).
    path(
        "evenements/inscription/<str:token>/",
        visitors.visitor_registration,
        name="visitor_registration",
    ),
    path(
        "evenements/inscription/<str:token>/confirmer/",
        visitors.visitor_confirm,
        name="visitor_confirm",
    ),
    path("evenements/<id:pk>/modifier/", events.event_edit, name="event_edit"),
    path("evenements/<id:pk>/annuler/", events.event_cancel, name="event_cancel"),
    path("evenements/<id:pk>/participants/", events.event_attendance, name="event_attendance"),
    # Support requests
    path("organisations/<id:pk>/demandes/", support.request_list, name="request_list"),
    path("organisations/<id:pk>/demandes/nouvelle/", support.request_create, name="request_create"),
    path("demandes/<id:pk>/", support.request_detail, name="request_detail"),
    path("demandes/<id:pk>/choisir/", support.request_choose, name="request_choose"),
    path("demandes/<id:pk>/repondre/", support.request_respond, name="request_respond"),
    path("demandes/<id:pk>/cloturer/", support.request_close, name="request_close"),
    # Fiches pratiques
    path("fiches/", resources.resources, name="resources"),
    path("fiches/nouvelle/", resources.resource_create, name="resource_create"),
    path("fiches/<id:pk>/", resources.resource_detail, name="resource_detail"),
    path("fiches/<id:pk>/modifier/", resources.resource_edit, name="resource_edit"),
    path("fiches/<id:pk>/fichier.pdf", resources.resource_pdf, name="resource_pdf"),
    # CRESS admins
    path("cress/", cress.cress, name="cress"),
    path("cress/candidatures/<id:pk>/", cress.application_decide, name="application_decide"),
    path(
        "cress/ambassadeurs/<id:pk>/retirer/",
        cress.ambassador_withdraw,
        name="ambassador_withdraw",
    ),
    path("cress/fiches/<id:pk>/", cress.resource_moderate, name="resource_moderate"),
]
