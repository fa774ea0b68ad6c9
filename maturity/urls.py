from django.urls import path

from maturity.views import (
    answering,
    diagnostics,
    discovery,
    formats,
    inventory,
    questionnaires,
    results,
    roadmap,
)

app_name = "maturity"

urlpatterns = [
    # The discovery diagnostic: public, without an account, kept in the session.
    path("decouverte/", discovery.discovery_form, name="discovery"),
    path("decouverte/resultat/", discovery.discovery_result, name="discovery_result"),
    path("decouverte/continuer/", discovery.discovery_continue, name="discovery_continue"),
    # The file formats: public, at stable addresses (each schema carries its format's version).
    path("formats/", formats.formats_page, name="formats"),
    path(
        "formats/questionnaire.schema.json",
        formats.questionnaire_schema,
        name="questionnaire_schema",
    ),
    path(
        "formats/regles-feuille-de-route.schema.json",
        formats.rules_schema,
        name="rules_schema",
    ),
    path(
        "organisation/<id:org_pk>/",
        diagnostics.organisation_diagnostics,
        name="organisation_diagnostics",
    ),
    path(
        "organisation/<id:org_pk>/demarrer/", diagnostics.diagnostic_start, name="diagnostic_start"
    ),
    path("<id:pk>/", diagnostics.diagnostic_detail, name="diagnostic_detail"),
    path("<id:pk>/inviter-membre/", diagnostics.invite_member, name="invite_member"),
    path("<id:pk>/inviter/", diagnostics.invite_guest, name="invite_guest"),
    path(
        "<id:pk>/invites/<id:respondent_pk>/desactiver/",
        diagnostics.revoke_guest,
        name="revoke_guest",
    ),
    path("<id:pk>/invites/<id:respondent_pk>/lien/", diagnostics.guest_link, name="guest_link"),
    path(
        "<id:pk>/invites/<id:respondent_pk>/nouveau-lien/",
        diagnostics.renew_guest_link,
        name="renew_guest_link",
    ),
    path("<id:pk>/inventaire/", inventory.inventory, name="inventory"),
    path(
        "<id:pk>/inventaire/equipement/",
        inventory.inventory_equipment,
        name="inventory_equipment",
    ),
    path("<id:pk>/terminer/", results.complete, name="complete"),
    path("<id:pk>/resultats/", results.results_page, name="results"),
    path("<id:pk>/resultats/document.pdf", results.results_pdf, name="results_pdf"),
    path(
        "<id:pk>/reponses/<id:respondent_pk>/",
        results.respondent_answers,
        name="respondent_answers",
    ),
    path("lien/<str:token>/", diagnostics.guest_entry, name="guest_entry"),
    path("repondre/<id:pk>/bienvenue/", answering.welcome, name="welcome"),
    path("repondre/<id:pk>/", answering.respondent_home, name="respondent_home"),
    path("repondre/<id:pk>/partage/", answering.respondent_consent, name="respondent_consent"),
    path("repondre/<id:pk>/partie/<slug:code>/", answering.section, name="section"),
    path("repondre/<id:pk>/question/<id:question_pk>/", answering.autosave, name="autosave"),
    path("organisation/<id:org_pk>/feuille-de-route/", roadmap.roadmap_page, name="roadmap"),
    path(
        "organisation/<id:org_pk>/feuille-de-route/actualiser/",
        roadmap.regenerate,
        name="roadmap_regenerate",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/ajouter/",
        roadmap.action_add,
        name="roadmap_action_add",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/decision/",
        roadmap.action_decide,
        name="roadmap_action_decide",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/suivi/",
        roadmap.action_update,
        name="roadmap_action_update",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/deplacer/",
        roadmap.action_move,
        name="roadmap_action_move",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/",
        roadmap.action_detail,
        name="roadmap_action_detail",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/<id:action_pk>/historique/",
        roadmap.action_history,
        name="roadmap_action_history",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/pdf/",
        roadmap.pdf_request,
        name="pdf_request",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/pdf/<id:export_pk>/",
        roadmap.pdf_status,
        name="pdf_status",
    ),
    path(
        "organisation/<id:org_pk>/feuille-de-route/pdf/<id:export_pk>/telecharger/",
        roadmap.pdf_download,
        name="pdf_download",
    ),
    path("questionnaires/", questionnaires.questionnaires, name="questionnaires"),
    path(
        "questionnaires/<id:pk>/", questionnaires.questionnaire_detail, name="questionnaire_detail"
    ),
    path(
        "questionnaires/<id:pk>/export/",
        questionnaires.questionnaire_export,
        name="questionnaire_export",
    ),
    path(
        "questionnaires/<id:pk>/brouillon/",
        questionnaires.questionnaire_new_draft,
        name="questionnaire_new_draft",
    ),
    path(
        "questionnaires/<id:pk>/remplacer/",
        questionnaires.questionnaire_replace,
        name="questionnaire_replace",
    ),
    path(
        "questionnaires/<id:pk>/publier/",
        questionnaires.questionnaire_publish,
        name="questionnaire_publish",
    ),
]
