from django.urls import path, register_converter

from accounts import views


class SirenConverter:
    regex = "[0-9]{9}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SirenConverter, "siren")

urlpatterns = [
    path("organisations/nouvelle/", views.organisation_create, name="organisation_create"),
    path("organisations/changer/", views.switch_organisation, name="organisation_switch"),
    path("organisations/<id:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<id:pk>/modifier/", views.organisation_edit, name="organisation_edit"),
    # By SIREN, which the person knows: sequential ids would let anyone list the names.
    path(
        "organisations/rejoindre/<siren:siren>/",
        views.organisation_join_request,
        name="organisation_join_request",
    ),
    path("organisations/<id:pk>/membres/", views.organisation_members, name="organisation_members"),
    path("organisations/<id:pk>/quitter/", views.organisation_leave, name="organisation_leave"),
    path("organisations/<id:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "organisations/<id:pk>/invitations/<id:invitation_pk>/annuler/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "organisations/<id:pk>/membres/<id:membership_pk>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "organisations/<id:pk>/membres/<id:membership_pk>/retirer/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "organisations/<id:pk>/demandes/<id:request_pk>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("organisations/<id:pk>/donnees/", views.organisation_export, name="organisation_export"),
    path("organisations/<id:pk>/supprimer/", views.organisation_erase, name="organisation_erase"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("profil/", views.profile, name="profile"),
    path("profil/donnees/", views.account_export, name="account_export"),
    path("profil/supprimer/", views.account_delete, name="account_delete"),
]
