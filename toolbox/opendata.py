"""The published catalogue as open data (CSV and JSON), and importing from the same format.

Identifiers are the tools' slugs (`id`): stable across exports, used to update on import.
No personal data: no author, no organisation, no testimonial.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toolbox import services
from toolbox.models import HostingOffer, Tool, ToolStatus
from toolbox.text import normalise

LIST_SEPARATOR = "|"
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000

# (column, type, required on import, description) — rendered on the schema page.
TOOL_SCHEMA = [
    (
        "id",
        "texte",
        True,
        gettext_lazy("Identifiant stable de l'outil (lettres minuscules, chiffres, tirets)."),
    ),
    ("name", "texte", True, gettext_lazy("Nom de l'outil.")),
    ("summary", "texte", True, gettext_lazy("Description courte (300 caractères au plus).")),
    ("description", "Markdown", False, gettext_lazy("Description détaillée.")),
    (
        "usages",
        "liste de codes",
        True,
        gettext_lazy(
            "Usages : stockage, email, messagerie, visio, bureautique, site_web, reseaux_sociaux, lettre_info, crm_adherents, comptabilite, paiement_dons, gouvernance_votes, gestion_projet."
        ),
    ),
    (
        "licence_spdx",
        "texte",
        False,
        gettext_lazy("Licence du logiciel, expression SPDX (vide si propriétaire)."),
    ),
    (
        "licence_status",
        "code",
        True,
        gettext_lazy("libre, open_core, source_available ou proprietary."),
    ),
    ("deployments", "liste de codes", True, gettext_lazy("saas, self_hosted, desktop, mobile.")),
    (
        "replaces",
        "liste de textes",
        False,
        gettext_lazy("Produits propriétaires que l'outil remplace."),
    ),
    (
        "dimensions",
        "liste de codes",
        False,
        gettext_lazy(
            "Dimensions du diagnostic : strategie, competences, equipement, collaboration, communication, gestion, financement, gouvernance, securite_rgpd, numerique_responsable."
        ),
    ),
    (
        "ease",
        "entier 1 à 3",
        True,
        gettext_lazy("Facilité de prise en main : 1 facile, 3 demande de l'accompagnement."),
    ),
    ("accessibility_notes", "texte", False, gettext_lazy("Notes sur l'accessibilité.")),
    ("sobriety_notes", "texte", False, gettext_lazy("Notes sur la sobriété.")),
    ("website_url", "URL", False, gettext_lazy("Site web.")),
    ("source_url", "URL", False, gettext_lazy("Code source.")),
    (
        "recommendation",
        "code",
        False,
        gettext_lazy("Avis de la CRESS : recommended, watch ou not_recommended."),
    ),
    ("recommendation_reason", "texte", False, gettext_lazy("Raison de l'avis.")),
    ("recommendation_date", "date AAAA-MM-JJ", False, gettext_lazy("Date de l'avis.")),
    ("last_reviewed", "date AAAA-MM-JJ", False, gettext_lazy("Date de la dernière relecture.")),
]
OFFER_SCHEMA = [
    ("tool_id", "texte", gettext_lazy("Identifiant de l'outil hébergé.")),
    ("provider", "texte", gettext_lazy("Nom de l'hébergeur.")),
    ("provider_legal_form", "texte", gettext_lazy("Forme juridique de l'hébergeur.")),
    ("provider_ess_status", "code", gettext_lazy("esus, ess, none ou unknown.")),
    ("provider_chatons", "booléen", gettext_lazy("Membre du collectif CHATONS.")),
    ("provider_cress_pooled", "booléen", gettext_lazy("Service mutualisé de la CRESS.")),
    ("name", "texte", gettext_lazy("Nom de l'offre.")),
    ("url", "URL", gettext_lazy("Adresse de l'offre.")),
    ("access", "code", gettext_lazy("free, free_associations, membership ou paid.")),
    ("price", "texte", gettext_lazy("Prix indicatif.")),
    ("data_country", "code pays ISO", gettext_lazy("Pays où sont stockées les données.")),
    ("support", "texte", gettext_lazy("Accompagnement proposé.")),
]
TOOL_COLUMNS = [column for column, *_rest in TOOL_SCHEMA]
LIST_COLUMNS = {"usages", "deployments", "replaces", "dimensions"}
CURATED = ["recommendation", "recommendation_reason", "recommendation_date", "last_reviewed"]


# --- Export -------------------------------------------------------------------------------------------


def _published():
    return Tool.objects.published().prefetch_related("replaces").order_by("slug")


def tool_record(tool: Tool) -> dict:
    values = services.tool_values(tool, services.PROPOSABLE_FIELDS + CURATED)
    return {"id": tool.slug, **{column: values[column] for column in TOOL_COLUMNS[1:]}}


def offer_record(offer: HostingOffer) -> dict:
    p = offer.provider
    return {
        "tool_id": offer.tool.slug,
        "provider": p.name,
        "provider_legal_form": p.legal_form,
        "provider_ess_status": p.ess_status,
        "provider_chatons": p.chatons_member,
        "provider_cress_pooled": p.cress_pooled,
        "name": offer.name,
        "url": offer.url,
        "access": offer.access,
        "price": offer.price,
        "data_country": offer.data_country,
        "support": offer.support,
    }


def _published_offers():
    return (
        HostingOffer.objects.filter(tool__status=ToolStatus.PUBLISHED)
        .select_related("tool", "provider")
        .order_by("tool__slug", "provider__name", "name")
    )


def catalogue_json() -> str:
    return json.dumps(
        {
            "schema": "boussole-toolbox/1",
            "tools": [tool_record(tool) for tool in _published()],
            "offers": [offer_record(offer) for offer in _published_offers()],
        },
        ensure_ascii=False,
        indent=1,
    )


def _csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: LIST_SEPARATOR.join(value) if isinstance(value, list) else value
                for key, value in row.items()
            }
        )
    return out.getvalue()


def tools_csv() -> str:
    return _csv([tool_record(tool) for tool in _published()], TOOL_COLUMNS)


def offers_csv() -> str:
    return _csv(
        [offer_record(offer) for offer in _published_offers()], [c for c, *_r in OFFER_SCHEMA]
    )


# --- Import -------------------------------------------------------------------------------------------


class ImportFileError(ValueError):
    """The whole file is unusable (encoding, format, columns); nothing is read from it."""


@dataclass
class RowError:
    line: int
    identifier: str
    messages: list[str]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    valid: list[tuple[str, dict]] = field(default_factory=list, repr=False)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.valid)


def decode(raw: bytes) -> str:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("Le fichier dépasse 2 Mo."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "Le fichier n'est pas encodé en UTF-8 (premier caractère illisible ligne %(line)s). "
                "Enregistrez-le en UTF-8 depuis votre tableur, puis recommencez."
            )
            % {"line": line}
        ) from exc


def read_rows(text: str) -> list[tuple[int, dict]]:
    """(line or position, raw record) from CSV or JSON text, the format guessed from its start."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                _("JSON invalide ligne %(line)s : %(msg)s") % {"line": exc.lineno, "msg": exc.msg}
            ) from exc
        records = data.get("tools") if isinstance(data, dict) else data
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ImportFileError(_("Le JSON doit contenir une liste « tools » d'objets."))
        rows = list(enumerate(records, start=1))
    else:
        reader = csv.DictReader(io.StringIO(text))
        missing = (
            [c for c, _t, required, _d in TOOL_SCHEMA if required] if reader.fieldnames else []
        )
        missing = [c for c in missing if c not in (reader.fieldnames or [])]
        if not reader.fieldnames or missing:
            raise ImportFileError(
                _("Colonnes obligatoires absentes : %(columns)s.")
                % {"columns": ", ".join(missing or ["id", "name"])}
            )
        try:
            rows = [(reader.line_num, dict(record)) for record in reader]
        except csv.Error as exc:
            raise ImportFileError(_("CSV illisible : %(msg)s") % {"msg": exc}) from exc
    if len(rows) > MAX_IMPORT_ROWS:
        raise ImportFileError(_("Le fichier dépasse 5 000 lignes."))
    return rows


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _form_data(record: dict) -> dict:
    data = {}
    for column in TOOL_COLUMNS[1:]:
        value = record.get(column)
        if column in LIST_COLUMNS:
            items = _as_list(value)
            data[column] = ", ".join(items) if column == "replaces" else items
        else:
            data[column] = "" if value is None else str(value).strip()
    return data


def validate(text: str) -> ImportReport:
    """Check every row; report each bad one. Nothing is written."""
    from toolbox.forms import ImportRowForm

    report = ImportReport()
    existing = {tool.slug: tool for tool in Tool.objects.prefetch_related("replaces")}
    names = {normalise(tool.name): tool.slug for tool in existing.values()}
    seen_ids: set[str] = set()
    for line, record in read_rows(text):
        identifier = str(record.get("id") or "").strip()
        messages = []
        if not identifier:
            messages.append(_("id : obligatoire."))
        elif identifier in seen_ids:
            messages.append(_("id : « %(id)s » apparaît deux fois.") % {"id": identifier})
        seen_ids.add(identifier)
        tool = existing.get(identifier)
        form = ImportRowForm(_form_data(record), tool=tool, slug=identifier, names=names)
        if form.is_valid() and not messages:
            report.valid.append((identifier, form.import_values()))
            (report.updated if tool else report.created).append(form.cleaned_data["name"])
            names[normalise(form.cleaned_data["name"])] = identifier
        else:
            for name, errors in form.errors.items():
                messages += [
                    f"{name} : {error}" if name != "__all__" else error for error in errors
                ]
            report.errors.append(RowError(line, identifier, messages))
    return report


def run_import(text: str, *, user=None, commit: bool) -> ImportReport:
    """Validate, then (when `commit` and every row is valid) write all rows in one transaction."""
    report = validate(text)
    if not commit or not report.ok:
        return report
    with transaction.atomic():
        for identifier, values in report.valid:
            tool = Tool.objects.filter(slug=identifier).first()
            if tool is None:
                tool = Tool(slug=identifier, status=ToolStatus.PUBLISHED)
            services.apply_tool_values(tool, values, user=user, reason=_("Import"))
    report.imported = True
    return report
