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

from accounts import csvkit
from toolbox import services
from toolbox.models import HostingOffer, Tool, ToolStatus
from toolbox.text import normalise

LIST_SEPARATOR = "|"
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
# The catalogue nests 4 levels (file, list of tools, tool, list of usages): anything much
# deeper is no catalogue, and Python's JSON parser recurses once per level.
MAX_JSON_DEPTH = 10

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
        "needs",
        "liste de codes",
        False,
        gettext_lazy(
            "Besoins auxquels l'outil répond vraiment : codes de la liste des besoins ci-dessous "
            "(sauvegarde, vote_secret…). Colonne absente : les besoins de l'outil ne changent pas."
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
    ("provider_chatons", "booléen", gettext_lazy("Membre du collectif CHATONS (true ou false).")),
    (
        "provider_cress_pooled",
        "booléen",
        gettext_lazy("Service mutualisé de la CRESS (true ou false)."),
    ),
    ("name", "texte", gettext_lazy("Nom de l'offre.")),
    ("url", "URL", gettext_lazy("Adresse de l'offre.")),
    ("access", "code", gettext_lazy("free, free_associations, membership ou paid.")),
    ("price", "texte", gettext_lazy("Prix indicatif.")),
    (
        "data_country",
        "code pays ISO",
        gettext_lazy("Pays où sont stockées les données : code ISO 3166-1 à deux lettres (FR)."),
    ),
    ("support", "texte", gettext_lazy("Accompagnement proposé.")),
]
TOOL_COLUMNS = [column for column, *_rest in TOOL_SCHEMA]
LIST_COLUMNS = {"usages", "needs", "deployments", "replaces", "dimensions"}
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
    writer = csvkit.DictWriter(out, fieldnames=columns, lineterminator="\n")
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

OFFER_COLUMNS = [column for column, *_rest in OFFER_SCHEMA]
REQUIRED_OFFER_COLUMNS = ["tool_id", "provider", "name", "access", "data_country"]
SCHEMA_NAME = "boussole-toolbox/1"


class ImportFileError(ValueError):
    """The whole file is unusable (encoding, format, columns); nothing is read from it."""


@dataclass
class RowError:
    line: int
    identifier: str
    messages: list[str]
    # Where the row is: the file's name, and whether it is a tool or an offer.
    source: str = ""
    kind: str = "tool"
    json: bool = False

    @property
    def location(self) -> str:
        if self.json:
            what = _("outil") if self.kind == "tool" else _("offre")
            return _("%(source)s, %(what)s n°%(n)s") % {
                "source": self.source or "JSON",
                "what": what,
                "n": self.line,
            }
        return _("%(source)s, ligne %(n)s") % {"source": self.source or "CSV", "n": self.line}


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    offers_created: list[str] = field(default_factory=list)
    offers_updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    valid: list[tuple[str, dict]] = field(default_factory=list, repr=False)
    valid_offers: list[dict] = field(default_factory=list, repr=False)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.valid or self.valid_offers)


@dataclass
class Rows:
    """Raw records read from the uploaded files, each with its location."""

    tools: list[tuple[int, dict]] = field(default_factory=list)
    offers: list[tuple[int, dict]] = field(default_factory=list)
    tools_source: str = ""
    offers_source: str = ""
    json: bool = False


def decode(raw: bytes, name: str = "") -> str:
    prefix = f"{name} — " if name else ""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportFileError(prefix + _("Le fichier dépasse 2 Mo."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            prefix
            + _(
                "Le fichier n'est pas encodé en UTF-8 (premier caractère illisible ligne %(line)s). "
                "Enregistrez-le en UTF-8 depuis votre tableur, puis recommencez."
            )
            % {"line": line}
        ) from exc


def _json_records(data, key: str, name: str) -> list[tuple[int, dict]]:
    records = data.get(key, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportFileError(
            _("Le JSON doit contenir une liste « %(key)s » d'objets.") % {"key": key}
        )
    return list(enumerate(records, start=1))


def _nested_deeper_than(data, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, dict)):
            if depth > limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


def _read_json(text: str, name: str) -> Rows:
    too_deep = _("Le JSON est trop imbriqué : %(max)s niveaux de listes et d'objets au plus.") % {
        "max": MAX_JSON_DEPTH
    }
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("JSON invalide ligne %(line)s : %(msg)s") % {"line": exc.lineno, "msg": exc.msg}
        ) from exc
    except RecursionError as exc:
        raise ImportFileError(too_deep) from exc
    if _nested_deeper_than(data, MAX_JSON_DEPTH):
        raise ImportFileError(too_deep)
    if isinstance(data, list):  # a bare list of tools
        data = {"tools": data}
    if not isinstance(data, dict) or not ({"tools", "offers"} & data.keys()):
        raise ImportFileError(_("Le JSON doit contenir une liste « tools » d'objets."))
    schema = data.get("schema", SCHEMA_NAME)
    if schema != SCHEMA_NAME:
        raise ImportFileError(
            _("Schéma « %(schema)s » inconnu (attendu : %(expected)s).")
            % {"schema": str(schema)[:50], "expected": SCHEMA_NAME}
        )
    return Rows(
        tools=_json_records(data, "tools", name),
        offers=_json_records(data, "offers", name),
        tools_source=name,
        offers_source=name,
        json=True,
    )


def _read_csv(text: str, name: str) -> tuple[str, list[tuple[int, dict]]]:
    """("tools" or "offers", rows): an offers file is recognised by its `tool_id` column."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    kind = "offers" if "tool_id" in columns and "id" not in columns else "tools"
    if kind == "offers":
        required = REQUIRED_OFFER_COLUMNS
    else:
        required = [c for c, _t, is_required, _d in TOOL_SCHEMA if is_required]
    missing = [c for c in required if c not in columns]
    if not columns or missing:
        raise ImportFileError(
            _("Colonnes obligatoires absentes : %(columns)s.")
            % {"columns": ", ".join(missing or ["id", "name"])}
        )
    try:
        # Text cells the export neutralised (leading apostrophe) read back as written.
        rows = [
            (
                reader.line_num,
                {k: csvkit.unescape(v) if isinstance(v, str) else v for k, v in record.items()},
            )
            for record in reader
        ]
    except csv.Error as exc:
        raise ImportFileError(_("CSV illisible : %(msg)s") % {"msg": exc}) from exc
    return kind, rows


def _in_file(name: str, reader, *args):
    """Call reader(*args); a file error names the file when there is one."""
    try:
        return reader(*args)
    except ImportFileError as exc:
        if name:
            raise ImportFileError(f"{name} — {exc}") from exc
        raise


def read_files(files: list[tuple[str, str]]) -> Rows:
    """Raw records from one or more (name, text) files: a JSON catalogue (tools and offers), a
    tools CSV and/or an offers CSV — the formats of the export. The format is guessed from the
    text, the kind of CSV from its columns."""
    rows = Rows()
    for name, text in files:
        if text.lstrip().startswith(("{", "[")):
            if rows.tools_source or rows.offers_source:
                raise ImportFileError(
                    _("Un fichier JSON contient tout le catalogue : envoyez-le seul.")
                )
            rows = _in_file(name, _read_json, text, name)
            continue
        if rows.json:
            raise ImportFileError(
                _("Un fichier JSON contient tout le catalogue : envoyez-le seul.")
            )
        kind, records = _in_file(name, _read_csv, text, name)
        if getattr(rows, f"{kind}_source"):
            raise ImportFileError(
                _("%(a)s et %(b)s contiennent tous deux des %(what)s : envoyez-en un seul.")
                % {
                    "a": getattr(rows, f"{kind}_source"),
                    "b": name,
                    "what": _("outils") if kind == "tools" else _("offres"),
                }
            )
        setattr(rows, kind, records)
        setattr(rows, f"{kind}_source", name)
    if len(rows.tools) + len(rows.offers) > MAX_IMPORT_ROWS:
        raise ImportFileError(_("Le fichier dépasse 5 000 lignes."))
    return rows


def read_rows(text: str) -> list[tuple[int, dict]]:
    """(line or position, raw record) of the tools in CSV or JSON text."""
    return read_files([("", text)]).tools


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _form_data(record: dict) -> dict:
    data = {}
    for column in TOOL_COLUMNS[1:]:
        if column == "needs" and column not in record:
            continue  # a file made before needs existed: the tool keeps its own
        value = record.get(column)
        if column in LIST_COLUMNS:
            items = _as_list(value)
            data[column] = ", ".join(items) if column == "replaces" else items
        else:
            data[column] = "" if value is None else str(value).strip()
    return data


def _offer_form_data(record: dict) -> dict:
    data = {}
    for column in OFFER_COLUMNS:
        value = record.get(column)
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[column] = "" if value is None else str(value).strip()
    return data


def _form_messages(form) -> list[str]:
    return [
        f"{name} : {error}" if name != "__all__" else error
        for name, errors in form.errors.items()
        for error in errors
    ]


def _validate_tools(rows: Rows, report: ImportReport) -> set[str]:
    """Check every tool row; return the ids the file names (valid or not)."""
    from toolbox.forms import ImportRowForm

    existing = {tool.slug: tool for tool in Tool.objects.prefetch_related("replaces")}
    names = {normalise(tool.name): tool.slug for tool in existing.values()}
    need_choices = list(services.need_labels().items())
    seen_ids: set[str] = set()
    for line, record in rows.tools:
        identifier = str(record.get("id") or "").strip()
        messages = []
        if not identifier:
            messages.append(_("id : obligatoire."))
        elif identifier in seen_ids:
            messages.append(_("id : « %(id)s » apparaît deux fois.") % {"id": identifier})
        seen_ids.add(identifier)
        tool = existing.get(identifier)
        form = ImportRowForm(
            _form_data(record), tool=tool, slug=identifier, names=names, need_choices=need_choices
        )
        if form.is_valid() and not messages:
            report.valid.append((identifier, form.import_values()))
            (report.updated if tool else report.created).append(form.cleaned_data["name"])
            names[normalise(form.cleaned_data["name"])] = identifier
        else:
            report.errors.append(
                RowError(
                    line,
                    identifier,
                    messages + _form_messages(form),
                    source=rows.tools_source,
                    kind="tool",
                    json=rows.json,
                )
            )
    return seen_ids


PROVIDER_FACTS = [
    "provider_legal_form",
    "provider_ess_status",
    "provider_chatons",
    "provider_cress_pooled",
]


def _validate_offers(rows: Rows, report: ImportReport, file_tool_ids: set[str]) -> None:
    """Check every offer row: its tool exists (in the file or the catalogue), codes are known,
    a provider is described the same way everywhere, no offer appears twice."""
    from toolbox.forms import ImportOfferRowForm

    known_tools = set(Tool.objects.values_list("slug", flat=True)) | file_tool_ids
    existing = {
        (slug, normalise(provider), name)
        for slug, provider, name in HostingOffer.objects.values_list(
            "tool__slug", "provider__name", "name"
        )
    }
    providers: dict[str, tuple[int, dict]] = {}
    seen: dict[tuple, int] = {}
    for line, record in rows.offers:
        form = ImportOfferRowForm(_offer_form_data(record), known_tools=known_tools)
        identifier = " — ".join(
            part
            for part in [str(record.get("tool_id") or ""), str(record.get("name") or "")]
            if part
        )
        messages = []
        if form.is_valid():
            values = form.cleaned_data
            key = (values["tool_id"], normalise(values["provider"]), values["name"])
            if key in seen:
                messages.append(
                    _("Cette offre (même outil, hébergeur et nom) apparaît déjà %(where)s.")
                    % {"where": _position(rows, seen[key])}
                )
            seen.setdefault(key, line)
            facts = {fact: values[fact] for fact in PROVIDER_FACTS}
            first = providers.setdefault(normalise(values["provider"]), (line, facts))
            if first[1] != facts:
                differing = ", ".join(f for f in PROVIDER_FACTS if first[1][f] != facts[f])
                messages.append(
                    _(
                        "provider : l'hébergeur « %(name)s » est décrit autrement %(where)s "
                        "(%(fields)s) ; un hébergeur a les mêmes informations sur chaque ligne."
                    )
                    % {
                        "name": values["provider"],
                        "where": _position(rows, first[0]),
                        "fields": differing,
                    }
                )
        messages += _form_messages(form)
        if messages:
            report.errors.append(
                RowError(
                    line,
                    identifier,
                    messages,
                    source=rows.offers_source,
                    kind="offer",
                    json=rows.json,
                )
            )
            continue
        report.valid_offers.append(values)
        label = f"{values['name']} ({values['tool_id']})"
        (report.offers_updated if key in existing else report.offers_created).append(label)


def _position(rows: Rows, line: int) -> str:
    if rows.json:
        return _("à l'offre n°%(n)s") % {"n": line}
    return _("ligne %(n)s") % {"n": line}


def validate(text: str | Rows) -> ImportReport:
    """Check every row, tools then offers; report each bad one. Nothing is written."""
    rows = text if isinstance(text, Rows) else read_files([("", text)])
    report = ImportReport()
    file_tool_ids = _validate_tools(rows, report)
    _validate_offers(rows, report, file_tool_ids)
    return report


def run_import(
    text: str | None = None,
    *,
    files: list[tuple[str, str]] | None = None,
    user=None,
    commit: bool,
) -> ImportReport:
    """Validate, then (when `commit` and every row is valid) write all rows in one transaction.

    `text` is one file's content; `files` several (name, content) pairs, e.g. the tools and the
    offers CSV files of the export.
    """
    rows = read_files(files if files is not None else [("", text or "")])
    report = validate(rows)
    if not commit or not report.ok:
        return report
    reason = _("Import")
    with transaction.atomic():
        tools = {}
        for identifier, values in report.valid:
            tool = Tool.objects.filter(slug=identifier).first()
            if tool is None:
                tool = Tool(slug=identifier, status=ToolStatus.PUBLISHED)
            tools[identifier] = services.apply_tool_values(tool, values, user=user, reason=reason)
        missing = {v["tool_id"] for v in report.valid_offers} - tools.keys()
        tools |= {tool.slug: tool for tool in Tool.objects.filter(slug__in=missing)}
        for values in report.valid_offers:
            services.import_offer(
                tool=tools[values["tool_id"]], values=values, user=user, reason=reason
            )
    report.imported = True
    return report
