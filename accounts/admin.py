from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from accounts import services
from accounts.models import Invitation, JoinRequest, Membership, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_cress_admin", "is_active", "last_login"]
    list_filter = ["is_cress_admin", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Rôles", {"fields": ["is_active", "is_cress_admin", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser or staff rights: no escalation by CRESS admins.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser"]
        return fields


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["changed_by"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "siren", "legal_form", "sector", "departement", "created_at"]
    list_filter = ["legal_form", "sector", "staff_band", "region"]
    search_fields = ["name", "siren"]
    inlines = [MembershipInline]
    raw_id_fields = ["created_by"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Memberships are the organisation admins' business: whoever changes them here (only
        # a superuser may) is named on the organisation's log, which its admins read.
        organisation = form.instance
        before = services.membership_states(organisation) if change else {}
        for membership_form in formset.forms:
            if membership_form.has_changed():
                membership_form.instance.changed_by = request.user
        super().save_formset(request, form, formset, change)
        services.record_membership_changes(
            organisation=organisation, before=before, by=request.user
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_select_related = ["organisation"]
    readonly_fields = ["token_hash"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "created_at"]
    list_select_related = ["user", "organisation"]
    raw_id_fields = ["user", "organisation", "decided_by"]


class EmailAddressAdmin(BaseEmailAddressAdmin):
    # allauth's action declares no permission, so anyone who may see the list could run it.
    @admin.action(
        permissions=["change"], description=BaseEmailAddressAdmin.make_verified.short_description
    )
    def make_verified(self, request, queryset):
        return super().make_verified(request, queryset)


admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, EmailAddressAdmin)

# Roles are flags and profiles here, not Django groups: hide the unused screen.
admin.site.unregister(Group)
