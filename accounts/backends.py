"""CRESS admins get model permissions on the platform's own apps, without being superusers."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend

UserModel = get_user_model()

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


class _LoadsRoles:
    """Load the adviser profile with the user: every page's navigation asks for the roles."""

    def get_user(self, user_id):
        user = (
            UserModel._default_manager.select_related("adviser_profile").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class RolesModelBackend(_LoadsRoles, ModelBackend):
    pass


class RolesAllauthBackend(_LoadsRoles, AllauthAuthenticationBackend):
    pass
