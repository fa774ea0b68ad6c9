from django.urls import path

from maturity import discovery_views, format_views, roadmap_views, views

app_name = "maturity"

urlpatterns = [
    # The discovery diagnostic: public, without an account, kept in the session.
    path("decouverte/", discovery_views.discovery_form, name="discovery"),
    path("decouverte/resultat/", discovery_views.discovery_result, name="discovery_result"),
    path("decouverte/continuer/", discovery_views.discovery_continue, name="discovery_continue"),
    # The file formats: public, at stable addresses (each schema carries its format's version).
    path("formats/", format_views.formats_page, name="formats"),
    path(
        "formats/questionnaire.schema.json",
        format_views.questionnaire_schema,
        name="questionnaire_schema",
    ),
    path(
        "formats/regles-feuille-de-route.schema.json",
        format_views.rules_schema,
        name="rules_schema",
    ),
    path(
        "organisation/<id:org_pk>/",
        views.organisation_diagnostics,
        name="organisation_diagnostics",
    ),
    path("organisation/<id:org_pk>/demarrer/", views.diagnostic_start, name="diagnostic_start"),
    path("<id:pk>/", views.diagnostic_detail, name="diagnostic_detail"),
    path("<id:pk>/inviter-membre/", views.invite_member, name="invite_member"),
    path("<id:pk>/inviter/", views.invite_guest, name="invite_guest"),
    path("<id:pk>/invites/<id:respondent_pk>/desactiver/", views.revoke_guest, name="revoke_guest"),
    path("<id:pk>/invites/<id:respondent_pk>/lien/", views.guest_link, name="guest_link"),
    path(
        "<id:pk>/invites/<id:respondent_pk>/nouveau-lien/",
        views.renew_guest_link,
        name="renew_guest_link",
    ),
    path("<id:pk>/inventaire/", views.inventory, name="inventory"),
    path("<id:pk>/terminer/", views.complete, name="complete"),
    path("<id:pk>/resultats/", views.results_page, name="results"),
    path("<id:pk>/resultats/document.pdf", views.results_pdf, name="results_pdf"),
    path(
        "<id:pk>/reponses/<id:respondent_pk>/",
        views.respondent_answers,
        name="respondent_answers",
    ),
    path("lien/<str:token>/", views.guest_entry, name="guest_entry"),
    path("repondre/<id:pk>/bienvenue/", views.welcome, name="welcome"),
    path("repondre/<id:pk>/", views.respondent_home, name="respondent_home"),
    path("repondre/<id:pk>/partage/", views.respondent_consent, name="respondent_consent"),
    path("repondre/<id:pk>/partie/<slug:code>/", views.section, name="section"),
    path("repondre/<id:pk>/question/<id:question_pk>/", views.autosave, name="autosave"),
    path("organisation/<id:org_pk>/feuille-de-route/", roadmap_views.roadmap_page, name="roadmap"),
    path(
        "organisation/<id:org_pk>/feuille-de-route/actualiser/",
        roadmap_views.regenerate,
        name="roadmap_regenerate",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/ajouter/",
        roadmap_views.action_add,
        name="roadmap_action_add",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/decision/",
        roadmap_views.action_decide,
        name="roadmap_action_decide",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/suivi/",
        roadmap_views.action_update,
        name="roadmap_action_update",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/deplacer/",
        roadmap_views.action_move,
        name="roadmap_action_move",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/",
        roadmap_views.action_detail,
        name="roadmap_action_detail",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/historique/",
        roadmap_views.action_history,
        name="roadmap_action_history",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/pdf/",
        roadmap_views.pdf_request,
        name="pdf_request",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/pdf/<id:export_pk>/",
        roadmap_views.pdf_status,
        name="pdf_status",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/pdf/<id:export_pk>/telecharger/",
        roadmap_views.pdf_download,
        name="pdf_download",
    ),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/<id:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<id:pk>/export/", views.questionnaire_export, name="questionnaire_export"),
    path(
        "questionnaires/<id:pk>/brouillon/",
        views.questionnaire_new_draft,
        name="questionnaire_new_draft",
    ),
    path(
        "questionnaires/<id:pk>/remplacer/",
        views.questionnaire_replace,
        name="questionnaire_replace",
    ),
    path(
        "questionnaires/<id:pk>/publier/",
        views.questionnaire_publish,
        name="questionnaire_publish",
    ),
]
