from django.urls import path

from toolbox import views

app_name = "toolbox"

# Fixed segments first: a tool's slug never takes one of them (services.json_values.RESERVED_SLUGS).
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("comparer/", views.compare, name="compare"),
    path("alternatives/", views.alternatives, name="alternatives"),
    path("alternatives/<slug:slug>/", views.alternative_detail, name="alternative_detail"),
    path("donnees/", views.opendata_page, name="opendata"),
    path("donnees/outils.csv", views.export_tools_csv, name="export_tools_csv"),
    path("donnees/offres.csv", views.export_offers_csv, name="export_offers_csv"),
    path("donnees/catalogue.json", views.export_json, name="export_json"),
    path("donnees/boussole-catalogue.zip", views.export_zip, name="export_zip"),
    path("donnees/datapackage.json", views.datapackage, name="datapackage"),
    # Stable addresses: each schema carries its version (opendata_schema.SCHEMA_VERSION).
    path("donnees/schemas/outils.json", views.tools_schema, name="tools_schema"),
    path("donnees/schemas/offres.json", views.offers_schema, name="offers_schema"),
    path(
        "donnees/schemas/catalogue.schema.json",
        views.catalogue_schema,
        name="catalogue_schema",
    ),
    path("proposer/", views.propose_tool, name="propose_tool"),
    path("mes-propositions/", views.my_proposals, name="my_proposals"),
    path("mes-propositions/<id:pk>/", views.proposal_edit, name="proposal_edit"),
    path("moderation/", views.moderation, name="moderation"),
    path(
        "moderation/propositions/<id:pk>/",
        views.moderation_proposal,
        name="moderation_proposal",
    ),
    path(
        "moderation/temoignages/<id:pk>/",
        views.moderation_testimonial,
        name="moderation_testimonial",
    ),
    path("import/", views.import_catalogue, name="import"),
    path("<slug:slug>/", views.tool_detail, name="tool_detail"),
    path("<slug:slug>/proposer-une-modification/", views.propose_edit, name="propose_edit"),
    path("<slug:slug>/proposer-une-offre/", views.propose_offer, name="propose_offer"),
    path("<slug:slug>/nous-l-utilisons/", views.declare_use, name="declare_use"),
    path("<slug:slug>/relu/", views.mark_reviewed, name="mark_reviewed"),
    path("<slug:slug>/statut/", views.change_status, name="change_status"),
    path("<slug:slug>/historique/", views.tool_history, name="tool_history"),
]
