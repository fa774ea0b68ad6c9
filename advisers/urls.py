from django.urls import path

from advisers import views

app_name = "advisers"

urlpatterns = [
    # The organisation's admins
    path("organisation/<id:pk>/acces/", views.consents, name="consents"),
    path("organisation/<id:pk>/acces/accorder/", views.consent_grant, name="consent_grant"),
    path("organisation/<id:pk>/acces/inviter/", views.consent_invite, name="consent_invite"),
    path(
        "organisation/<id:pk>/acces/<id:consent_pk>/retirer/",
        views.consent_revoke,
        name="consent_revoke",
    ),
    path(
        "organisation/<id:pk>/acces/<id:consent_pk>/decider/",
        views.consent_decide,
        name="consent_decide",
    ),
    # Advisers
    path("", views.portfolio_page, name="portfolio"),
    path("portefeuille.csv", views.portfolio_csv, name="portfolio_csv"),
    path("comparer/", views.compare, name="compare"),
    path("demander-un-acces/", views.request_access, name="request_access"),
    path("clients/<id:org_pk>/", views.client, name="client"),
    path("clients/<id:org_pk>/avis/", views.note_save, name="note_save"),
    path("clients/<id:org_pk>/recommander/", views.recommend, name="recommend"),
    path("clients/<id:org_pk>/prediagnostic/", views.prediagnostic, name="prediagnostic"),
    # CRESS admins
    path("observatoire/", views.observatory_page, name="observatory"),
    path("observatoire/export.csv", views.observatory_csv, name="observatory_csv"),
    path("observatoire/export.json", views.observatory_json, name="observatory_json"),
]
