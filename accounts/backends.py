"""What CRESS admins may do in the Django admin, model by model, without being superusers.

They curate the catalogue content that no platform page edits (tools, proprietary products,
providers, hosting offers, DLA structures) and only read the rest. People, e-mail addresses,
organisations, memberships, invitations and requests are changed by their owners on the
platform, or by a superuser; profiles, proposals, testimonials, ambassadors, events and
fiches have their own CRESS pages. A model missing from the table is out of their reach.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend

UserModel = get_user_model()

VIEW = frozenset({"view"})
CURATE = frozenset({"view", "add", "change", "delete"})

CRESS_ADMIN_PERMISSIONS: dict[str, frozenset[str]] = {
    # Who runs the instance (name, logo, colours, legal notices): one row, changed only.
    "identity.instanceidentity": frozenset({"view", "change"}),
    "account.emailaddress": VIEW,
    "accounts.user": VIEW,
    "accounts.organisation": VIEW,
    "accounts.membership": VIEW,
    "accounts.invitation": VIEW,
    "accounts.joinrequest": VIEW,
    "advisers.adviserprofile": VIEW,
    "advisers.dlastructure": CURATE,
    # Archived on the platform rather than deleted: organisations' declarations hang on tools.
    "toolbox.tool": frozenset({"view", "add", "change"}),
    "toolbox.alternative": CURATE,
    # The vocabulary of needs: tools and roadmap rules refer to its codes, so never deleted.
    "toolbox.need": frozenset({"view", "add", "change"}),
    "toolbox.proprietaryproduct": CURATE,
    "toolbox.provider": CURATE,
    "toolbox.hostingoffer": CURATE,
    "toolbox.proposal": VIEW,
    "toolbox.tooluse": VIEW,
    "ambassadors.ambassador": VIEW,
    "ambassadors.event": VIEW,
    "ambassadors.registration": VIEW,
    # Not listed, so closed: ambassadors.supportrequest, an organisation's message to its
    # ambassador, private to both.
    "ambassadors.resource": VIEW,
}

CRESS_ADMIN_APPS = frozenset(label.split(".")[0] for label in CRESS_ADMIN_PERMISSIONS)


class CressAdminPermissionBackend(BaseBackend):
    def _is_cress_admin(self, user_obj) -> bool:
        return bool(user_obj.is_active and getattr(user_obj, "is_cress_admin", False))

    def has_perm(self, user_obj, perm, obj=None):
        if not self._is_cress_admin(user_obj):
            return False
        # "toolbox.change_tool": app label, then the action and the model's name.
        app_label, _, codename = perm.partition(".")
        action, _, model_name = codename.partition("_")
        return action in CRESS_ADMIN_PERMISSIONS.get(f"{app_label}.{model_name}", ())

    def has_module_perms(self, user_obj, app_label):
        return self._is_cress_admin(user_obj) and app_label in CRESS_ADMIN_APPS


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
