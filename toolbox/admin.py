"""Django admin for CRESS admins: direct curation (status, recommendation), with history.

Every admin of a catalogue model says that the catalogue changed (CatalogueAdminMixin): the
API's cached answers and the open-data files follow.
"""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from toolbox.catalogue_changes import catalogue_changed
from toolbox.models import (
    Alternative,
    HostingOffer,
    Need,
    Proposal,
    ProprietaryProduct,
    Provider,
    Tool,
    ToolUse,
)
from toolbox.spdx import SpdxExpressionField


class CatalogueAdminMixin:
    """Adding, changing, reverting (SimpleHistoryAdmin's revert saves through save_model) and
    deleting change the published catalogue. Inlines are saved in the same transaction as
    save_model, whose catalogue_changed() takes effect after they are: the call there covers them.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        catalogue_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        catalogue_changed()

    def delete_queryset(self, request, queryset):
        # The "delete selected" action.
        super().delete_queryset(request, queryset)
        catalogue_changed()


class AlternativeInline(admin.TabularInline):
    model = Alternative
    extra = 0
    autocomplete_fields = ["product"]


class OfferInline(admin.TabularInline):
    model = HostingOffer
    extra = 0
    fields = ["provider", "name", "access", "price", "data_country"]


class ToolAdminForm(forms.ModelForm):
    """The admin's own form (it supplies the model and fields): needs as checkboxes."""

    needs = forms.MultipleChoiceField(
        label=Tool._meta.get_field("needs").verbose_name,
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        # The licence is saved in its SPDX form, as on the platform's forms.
        field_classes = {"licence_spdx": SpdxExpressionField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = list(Need.objects.values_list("code", "label"))


@admin.register(Need)
class NeedAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "position"]
    search_fields = ["label", "code", "description"]

    def get_readonly_fields(self, request, obj=None):
        # Tools and roadmap actions refer to a need by its code: it never changes.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tool)
class ToolAdmin(CatalogueAdminMixin, SimpleHistoryAdmin):
    form = ToolAdminForm
    list_display = ["name", "licence_status", "status", "recommendation", "last_reviewed"]
    list_filter = ["status", "licence_status", "recommendation"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AlternativeInline, OfferInline]

    def get_readonly_fields(self, request, obj=None):
        # Publication goes through the platform's status page (allowed moves, reason kept).
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("status")
        return fields

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # The library's own select_related() names the tracked foreign keys; a tool has none,
        # and select_related() without names is deprecated.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")

    def save_model(self, request, obj, form, change):
        # Admin edits are changes too: a pending proposal made on the old version must conflict.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(ProprietaryProduct)
class ProprietaryProductAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    list_display = ["name", "vendor"]
    search_fields = ["name", "vendor"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Provider)
class ProviderAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    list_display = ["name", "legal_form", "ess_status", "chatons_member", "cress_pooled"]
    list_filter = ["ess_status", "chatons_member", "cress_pooled"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(HostingOffer)
class HostingOfferAdmin(CatalogueAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "tool", "provider", "access", "data_country"]
    list_filter = ["access", "data_country"]
    search_fields = ["name", "tool__name", "provider__name"]
    list_select_related = ["tool", "provider"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "author", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["author", "tool"]
    readonly_fields = ["payload", "base_values", "base_version"]


@admin.register(ToolUse)
class ToolUseAdmin(admin.ModelAdmin):
    list_display = ["tool", "organisation", "testimonial_status", "created_at"]
    list_filter = ["testimonial_status"]
    list_select_related = ["tool", "organisation"]
