"""Adviser accounts' pages, included at the site's root without a namespace: their paths and
names are those they had when accounts served them."""

from django.urls import path

from advisers import account_views

urlpatterns = [
    path("profil/conseiller/", account_views.adviser_request, name="adviser_request"),
    path(
        "cress/conseillers/<id:profile_pk>/",
        account_views.cress_adviser_decide,
        name="cress_adviser_decide",
    ),
]
