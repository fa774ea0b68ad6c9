from django.contrib import admin
from django.urls import include, path, register_converter

from common.ids import IdConverter
from config import views
from toolbox.api import api as catalogue_api

# Before the apps' URLs are included: their ids are <id:…>.
register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.home, name="home"),
    path("a-propos/", views.page, {"name": "about"}, name="about"),
    path("confidentialite/", views.page, {"name": "privacy"}, name="privacy"),
    path("accessibilite/", views.page, {"name": "accessibility"}, name="accessibility"),
    path("mentions-legales/", views.page, {"name": "legal"}, name="legal"),
    path("glossaire/", views.glossary_page, name="glossary"),
    path("sante/", views.health, name="health"),
    # The instance's stylesheet, logo and favicon.
    path("", include("identity.urls")),
    # The CRESS space gathers every app's queues: it belongs here, above the apps.
    path("cress/", views.cress_dashboard, name="cress_dashboard"),
    path("compte/", include("allauth.urls")),
    path("", include("accounts.urls")),
    # Adviser accounts: asked for from the profile, decided in the CRESS space.
    path("", include("advisers.account_urls")),
    path("diagnostic/", include("maturity.urls")),
    # Before the toolbox's pages: "api" is no tool's slug
    # (toolbox.services.json_values.RESERVED_SLUGS).
    path("outils/api/v1/", catalogue_api.urls),
    path("outils/", include("toolbox.urls")),
    path("communaute/", include("ambassadors.urls")),
    path("conseil/", include("advisers.urls")),
    path("observatoire/", include("advisers.public_urls")),
    path("atelier/", include("workshops.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
