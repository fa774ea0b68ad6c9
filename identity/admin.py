from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from identity import services
from identity.forms import SECTIONS, InstanceIdentityForm
from identity.models import InstanceIdentity


@admin.register(InstanceIdentity)
class InstanceIdentityAdmin(admin.ModelAdmin):
    """One row, made from the settings when the list is first opened: changed, never added
    nor deleted (the pages always need an identity)."""

    form = InstanceIdentityForm
    list_display = ["__str__", "is_demo", "updated_at"]
    readonly_fields = ["logo_preview", "updated_at"]
    # The form's sections; the logo's preview and file come before the pasted SVG.
    fieldsets = [
        (title, {"fields": ["logo_preview", "logo_file", *names] if "logo_svg" in names else names})
        for title, names in SECTIONS
    ] + [(None, {"fields": ["updated_at"]})]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        services.stored()
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("logo actuel"))
    def logo_preview(self, obj):
        identity = services.current()
        if not identity.has_logo:
            return _("Aucun logo")
        return format_html(
            '<img src="{}?v={}" alt="" height="{}" width="{}">',
            reverse("identity_logo"),
            identity.version,
            identity.logo_height,
            identity.logo_width,
        )
