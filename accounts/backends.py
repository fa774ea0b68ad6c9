"""CRESS admins get model permissions on the platform's own apps, without being superusers."""

from django.contrib.auth.backends import BaseBackend

PLATFORM_APPS = {"accounts", "maturity", "toolbox", "ambassadors", "account"}


class CressAdminPermissionBackend(BaseBackend):
    def _is_cress_admin(self, user_obj) -> bool:
        return bool(user_obj.is_active and getattr(user_obj, "is_cress_admin", False))

    def has_perm(self, user_obj, perm, obj=None):
        if not self._is_cress_admin(user_obj):
            return False
        app_label = perm.split(".", 1)[0]
        return app_label in PLATFORM_APPS

    def has_module_perms(self, user_obj, app_label):
        return self._is_cress_admin(user_obj) and app_label in PLATFORM_APPS
