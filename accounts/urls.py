from django.urls import path

from accounts import views

urlpatterns = [
    path("organisations/nouvelle/", views.organisation_create, name="organisation_create"),
    path("organisations/changer/", views.switch_organisation, name="organisation_switch"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/modifier/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:pk>/demander-acces/",
        views.organisation_join_request,
        name="organisation_join_request",
    ),
    path(
        "organisations/<int:pk>/membres/", views.organisation_members, name="organisation_members"
    ),
    path("organisations/<int:pk>/quitter/", views.organisation_leave, name="organisation_leave"),
    path("organisations/<int:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/retirer/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "organisations/<int:pk>/demandes/<int:request_pk>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("organisations/<int:pk>/donnees/", views.organisation_export, name="organisation_export"),
    path("organisations/<int:pk>/supprimer/", views.organisation_erase, name="organisation_erase"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("profil/", views.profile, name="profile"),
    path("profil/donnees/", views.account_export, name="account_export"),
    path("profil/supprimer/", views.account_delete, name="account_delete"),
    path("profil/conseiller/", views.adviser_request, name="adviser_request"),
    path("cress/", views.cress_dashboard, name="cress_dashboard"),
    path(
        "cress/conseillers/<int:profile_pk>/",
        views.cress_adviser_decide,
        name="cress_adviser_decide",
    ),
]
