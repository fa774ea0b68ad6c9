from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class CressAdminSite(admin.AdminSite):
    """Django's admin, for CRESS admins (and superusers), logging in through the platform's login."""

    site_header = "Boussole numérique ESS — administration"
    site_title = "Administration"
    index_title = "Administration de la plateforme"

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or getattr(user, "is_cress_admin", False))

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            raise PermissionDenied
        next_url = request.GET.get("next", reverse("admin:index"))
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
