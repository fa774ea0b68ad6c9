"""DLA structures and adviser profiles move from accounts to advisers, with their tables: only
Django's state changes (the tables keep their names, no row is copied). Their content types
follow, so the admin's history and the permissions stay attached to them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("dlastructure", "adviserprofile")


def content_types_follow(apps, schema_editor, source="accounts", target="advisers"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_back(apps, schema_editor):
    content_types_follow(apps, schema_editor, source="advisers", target="accounts")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_membershipchange"),
        ("advisers", "0005_observatory_footprint"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DlaStructure",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=200, unique=True, verbose_name="nom")),
                        ("departements", models.JSONField(default=list, verbose_name="départements couverts")),
                    ],
                    options={
                        "verbose_name": "structure DLA",
                        "verbose_name_plural": "structures DLA",
                        "db_table": "accounts_dlastructure",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="AdviserProfile",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("job_title", models.CharField(default="Chargé·e de mission DLA", max_length=200, verbose_name="fonction")),
                        ("status", models.CharField(choices=[("pending", "En attente de validation"), ("approved", "Validé"), ("rejected", "Refusé")], default="pending", max_length=10)),
                        ("requested_at", models.DateTimeField(auto_now_add=True)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_message", models.TextField(blank=True)),
                        ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="adviser_profile", to=settings.AUTH_USER_MODEL)),
                        ("structure", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="advisers", to="advisers.dlastructure", verbose_name="structure DLA")),
                    ],
                    options={
                        "verbose_name": "profil de conseiller·e",
                        "verbose_name_plural": "profils de conseiller·es",
                        "db_table": "accounts_adviserprofile",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
