from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class CressAdminConfig(AdminConfig):
    default_site = "config.admin.CressAdminSite"


class PlatformConfig(AppConfig):
    """config itself, installed last: the top layer, above every app. Installed for what it
    gathers from all of them, such as manage.py demo_data (it has no models)."""

    name = "config"
    verbose_name = "Plateforme"
