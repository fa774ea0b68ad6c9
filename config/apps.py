from django.contrib.admin.apps import AdminConfig


class CressAdminConfig(AdminConfig):
    default_site = "config.admin.CressAdminSite"
