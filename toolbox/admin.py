"""Django admin for CRESS admins: direct curation (status, recommendation), with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from toolbox.models import (
    Alternative,
    HostingOffer,
    Proposal,
    ProprietaryProduct,
    Provider,
    Tool,
    ToolUse,
)


class AlternativeInline(admin.TabularInline):
    model = Alternative
    extra = 0
    autocomplete_fields = ["product"]


class OfferInline(admin.TabularInline):
    model = HostingOffer
    extra = 0
    fields = ["provider", "name", "access", "price", "data_country"]


@admin.register(Tool)
class ToolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "licence_status", "status", "recommendation", "last_reviewed"]
    list_filter = ["status", "licence_status", "recommendation"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AlternativeInline, OfferInline]

    def save_model(self, request, obj, form, change):
        # Admin edits are changes too: a pending proposal made on the old version must conflict.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(ProprietaryProduct)
class ProprietaryProductAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor"]
    search_fields = ["name", "vendor"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_form", "ess_status", "chatons_member", "cress_pooled"]
    list_filter = ["ess_status", "chatons_member", "cress_pooled"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(HostingOffer)
class HostingOfferAdmin(SimpleHistoryAdmin):
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
