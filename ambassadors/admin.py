from django.contrib import admin

from ambassadors.models import Ambassador, Event, Registration, Resource, SupportRequest


@admin.register(Ambassador)
class AmbassadorAdmin(admin.ModelAdmin):
    list_display = ["public_name", "user", "status", "valid_until", "is_public", "applied_at"]
    list_filter = ["status", "is_public"]
    search_fields = ["public_name", "user__email", "user__last_name"]
    raw_id_fields = ["user", "organisation", "decided_by"]
    readonly_fields = ["regions", "applied_at", "decided_at", "decided_by"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["user"]
    # A visitor (without an account) is known by a name and an address, or by neither once
    # anonymised a month after the event.
    fields = ["user", "name", "email", "status", "queued_at", "attended"]
    readonly_fields = ["queued_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "starts_at",
        "capacity",
        "audience",
        "organiser",
        "cancelled_at",
    ]
    list_filter = ["kind", "audience"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["organiser"]
    list_select_related = ["organiser"]
    inlines = [RegistrationInline]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["organisation", "ambassador", "status", "created_at", "sent_at", "answered_at"]
    list_filter = ["status"]
    raw_id_fields = ["organisation", "created_by", "ambassador"]
    list_select_related = ["organisation", "ambassador"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    raw_id_fields = ["author", "moderated_by"]
    list_select_related = ["author"]
