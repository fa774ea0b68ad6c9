"""Adviser accounts in the Django admin: CRESS admins curate the DLA structures and read the
profiles (they decide requests in the CRESS space; accounts.backends says who may do what)."""

from django.contrib import admin

from advisers.models import AdviserProfile, DlaStructure


@admin.register(DlaStructure)
class DlaStructureAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(AdviserProfile)
class AdviserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "structure", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["user", "structure"]
    raw_id_fields = ["user", "decided_by"]
