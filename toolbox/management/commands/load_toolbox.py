"""Load the curated toolbox content (fixtures/toolbox.yaml). Idempotent: run it as often as needed.

Needs are matched by code, tools by slug; a tool whose values did not change gets no new history
version. A tool naming a need the file does not define stops the load (nothing is written).
"""

import datetime
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from toolbox.catalogue_changes import catalogue_changed
from toolbox.models import Alternative, HostingOffer, Need, Provider, Tool, ToolStatus
from toolbox.services import json_values

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "toolbox.yaml"
TOOL_KEYS = {
    "name": "name",
    "summary": "summary",
    "description": "description",
    "usages": "usages",
    "needs": "needs",
    "licence": "licence_spdx",
    "licence_status": "licence_status",
    "deployments": "deployments",
    "dimensions": "dimensions",
    "ease": "ease",
    "accessibility": "accessibility_notes",
    "sobriety": "sobriety_notes",
    "website": "website_url",
    "source": "source_url",
    "recommendation": "recommendation",
    "reason": "recommendation_reason",
}


class Command(BaseCommand):
    help = "Charge le contenu de la boîte à outils (outils, hébergeurs, offres, alternatives)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE))

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        reviewed = data.get("reviewed")
        self._check_needs(data)
        with transaction.atomic():
            for position, item in enumerate(data.get("needs", []), start=1):
                self._need(item, position)
            providers = {item["slug"]: self._provider(item) for item in data["providers"]}
            changed = sum(self._tool(item, reviewed) for item in data["tools"])
            tools = {tool.slug: tool for tool in Tool.objects.all()}
            for item in data["offers"]:
                self._offer(item, tools, providers)
            # Needs, providers, offers and migration notes are written here, not by a service.
            catalogue_changed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Boîte à outils : {len(data.get('needs', []))} besoins, "
                f"{len(data['tools'])} outils ({changed} créés ou modifiés), "
                f"{len(data['providers'])} hébergeurs, {len(data['offers'])} offres."
            )
        )

    def _check_needs(self, data: dict) -> None:
        defined = {item["code"] for item in data.get("needs", [])}
        known = defined | set(Need.objects.values_list("code", flat=True))
        for item in data["tools"]:
            unknown = sorted(set(item.get("needs", [])) - known)
            if unknown:
                raise CommandError(
                    f"Outil « {item['slug']} » : besoins inconnus {', '.join(unknown)} "
                    "(à définir dans la section needs)."
                )

    def _need(self, item: dict, position: int) -> None:
        values = {
            "label": item["label"],
            "description": item.get("description", ""),
            "position": position,
        }
        need = Need.objects.filter(code=item["code"]).first()
        if need is None:
            need = Need(code=item["code"], **values)
            need.full_clean()
            need.save()
        elif any(getattr(need, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(need, key, value)
            need.save()

    def _provider(self, item: dict) -> Provider:
        provider, _ = Provider.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "legal_form": item.get("legal_form", ""),
                "ess_status": item.get("ess_status", "unknown"),
                "chatons_member": item.get("chatons", False),
                "cress_pooled": item.get("cress_pooled", False),
                "website_url": item.get("website", ""),
            },
        )
        return provider

    def _tool(self, item: dict, reviewed) -> bool:
        # Stripped as a form strips them (YAML's "|" blocks end with a line break): the open-data
        # export of these tools re-imports without a change.
        values = {field: item.get(key, "") for key, field in TOOL_KEYS.items()}
        values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
        for key in ("usages", "needs", "deployments", "dimensions"):
            values[key] = item.get(key, [])
        values["ease"] = item.get("ease", 2)
        values["recommendation"] = item.get("recommendation", "recommended")
        replaces = [r if isinstance(r, dict) else {"name": r} for r in item.get("replaces", [])]
        values["replaces"] = sorted(r["name"] for r in replaces)
        review_date = item.get("reviewed", reviewed)
        if isinstance(review_date, datetime.date):
            review_date = review_date.isoformat()
        values["last_reviewed"] = review_date
        values["recommendation_date"] = review_date if values["recommendation_reason"] else None
        tool = Tool.objects.filter(slug=item["slug"]).prefetch_related("replaces").first()
        fields = [*json_values.PROPOSABLE_FIELDS, *json_values.CURATED_FIELDS]
        changed = tool is None or json_values.tool_values(tool, fields) != values
        if changed:
            if tool is None:
                tool = Tool(slug=item["slug"], status=ToolStatus.PUBLISHED)
            json_values.apply_tool_values(tool, values, reason="Contenu initial")
        for r in replaces:
            Alternative.objects.filter(tool=tool, product__name=r["name"]).update(
                migration_notes=r.get("notes", "")
            )
        return changed

    def _offer(self, item: dict, tools: dict, providers: dict) -> None:
        values = {
            "url": item.get("url", ""),
            "access": item["access"],
            "price": item.get("price", ""),
            "data_country": item.get("country", "FR"),
            "support": item.get("support", ""),
        }
        offer, created = HostingOffer.objects.get_or_create(
            tool=tools[item["tool"]],
            provider=providers[item["provider"]],
            name=item["name"],
            defaults=values,
        )
        # Saved only when something changed, so that re-running adds no history version.
        if not created and any(getattr(offer, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(offer, key, value)
            offer.save()
