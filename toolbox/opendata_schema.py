"""The open-data format of the toolbox, described once.

Every column of outils.csv and offres.csv (and key of catalogue.json) is a `Column` below. From
this one description come the Table Schemas of the two CSV files, the data package that joins
them, the JSON Schema of catalogue.json, the tables of the open-data page and the columns the
import requires: they cannot drift apart. Codes come from the model choices and the needs
vocabulary; lengths from the model fields.

SCHEMA_VERSION changes whenever the format changes (semantic versioning: the major number when
a file valid before may no longer be, or may mean something else); CHANGELOG says what changed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import csvkit
from toolbox.countries import ISO_COUNTRY_CODES
from toolbox.forms import MAX_LIST_ITEMS
from toolbox.models import (
    Access,
    Deployment,
    Dimension,
    EssStatus,
    HostingOffer,
    LicenceStatus,
    ProprietaryProduct,
    Provider,
    Recommendation,
    Tool,
    Usage,
)
from toolbox.services import vocabulary

SCHEMA_VERSION = "2.1.0"
# Files of an earlier format the import still reads.
LEGACY_SCHEMA_NAME = "boussole-toolbox/1"
LIST_SEPARATOR = "|"

# Licence Ouverte 2.0: the French State's licence for public-sector open data (attribution
# only), compatible with CC-BY 4.0 and ODbL; see the README for the choice.
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

# (version, date, changes), newest first: shown on the open-data page.
CHANGELOG = [
    (
        "2.1.0",
        "2026-12-04",
        [
            gettext_lazy(
                "Quatre usages de plus, les mêmes que ceux de l’inventaire du diagnostic : "
                "agenda (agenda partagé), sauvegarde (sauvegarde des données), mots_de_passe "
                "(mots de passe) et vente_en_ligne (vente en ligne et billetterie)."
            ),
        ],
    ),
    (
        "2.0.0",
        "2026-12-04",
        [
            gettext_lazy(
                "Schémas publiés : paquet de données Frictionless (datapackage.json) avec un "
                "Table Schema par fichier CSV, schéma JSON (JSON Schema 2020-12) de catalogue.json."
            ),
            gettext_lazy(
                "Booléens des CSV écrits true et false (et non plus True et False), comme "
                "documenté."
            ),
            gettext_lazy("Lignes des CSV terminées par CRLF (RFC 4180)."),
            gettext_lazy(
                "catalogue.json : « schema » donne l'adresse du schéma JSON, « version » la "
                "version du format et « licenses » la licence (au lieu de "
                "« boussole-toolbox/1 »)."
            ),
            gettext_lazy("Licence nommée : Licence Ouverte / Etalab 2.0."),
        ],
    ),
    (
        "1.0.0",
        "",
        [
            gettext_lazy(
                "Première publication (« boussole-toolbox/1 ») : outils.csv, offres.csv et "
                "catalogue.json, documentés sur cette page seulement."
            )
        ],
    ),
]

# Kinds of column: how each is written in CSV and JSON, and named on the page.
SLUG = "slug"
TEXT = "text"
MARKDOWN = "markdown"
CODE = "code"
CODES = "codes"
TEXTS = "texts"
INTEGER = "integer"
BOOLEAN = "boolean"
DATE = "date"
URL = "url"
COUNTRY = "country"
SPDX = "spdx"

KIND_LABELS = {
    SLUG: gettext_lazy("identifiant"),
    TEXT: gettext_lazy("texte"),
    MARKDOWN: gettext_lazy("texte Markdown"),
    CODE: gettext_lazy("code"),
    CODES: gettext_lazy("liste de codes"),
    TEXTS: gettext_lazy("liste de textes"),
    INTEGER: gettext_lazy("entier"),
    BOOLEAN: gettext_lazy("booléen (true ou false)"),
    DATE: gettext_lazy("date AAAA-MM-JJ"),
    URL: gettext_lazy("URL"),
    COUNTRY: gettext_lazy("code pays ISO"),
    SPDX: gettext_lazy("expression SPDX"),
}
# Free text may start with a character a spreadsheet would run: the CSV neutralises it.
NEUTRALISED_KINDS = {TEXT, MARKDOWN, TEXTS}

# Patterns are written with plain groups only: valid as XML Schema (Table Schema), ECMA 262
# (JSON Schema) and Python regular expressions alike.
SLUG_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"
CODE_PATTERN = r"[a-z][a-z_]*"
# The characters of an SPDX expression (identifiers, LicenseRef-…, WITH, AND, OR, brackets);
# the platform checks the expression itself against the identifiers it knows.
SPDX_PATTERN = r"[A-Za-z0-9.+:() -]+"
URL_PATTERN = r"https?://\S+"
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: Promise
    # Required on import, hence never empty in the files.
    required: bool = False
    # Codes and their labels (code kinds), read when a schema is built.
    choices: Callable[[], list[tuple[str, str]]] | None = None
    # The codes are listed in their own section of the page (the needs vocabulary).
    codes_listed_apart: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None

    def codes(self) -> list[str]:
        return [code for code, _label in self.choices()] if self.choices else []


def _max(model: type[models.Model], field: str) -> int | None:
    return model._meta.get_field(field).max_length


def _choices(enum: type[models.TextChoices]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(code, str(label)) for code, label in enum.choices]


def _needs() -> list[tuple[str, str]]:
    return list(vocabulary.need_labels().items())


TOOL_FIELDS = [
    Column(
        "id",
        SLUG,
        gettext_lazy(
            "Identifiant stable de l'outil (lettres minuscules, chiffres, tirets) : il ne "
            "change pas d'un export à l'autre ; à l'import, un id existant met l'outil à jour."
        ),
        required=True,
        max_length=_max(Tool, "slug"),
    ),
    Column("name", TEXT, gettext_lazy("Nom de l'outil."), True, max_length=_max(Tool, "name")),
    Column(
        "summary", TEXT, gettext_lazy("Description courte."), True, max_length=_max(Tool, "summary")
    ),
    Column(
        "description",
        MARKDOWN,
        gettext_lazy("Description détaillée."),
        max_length=_max(Tool, "description"),
    ),
    Column(
        "usages",
        CODES,
        gettext_lazy(
            "Usages de l'inventaire du diagnostic couverts par l'outil ; vide quand aucun ne "
            "convient (ses besoins disent alors ce qu'il fait)."
        ),
        choices=_choices(Usage),
    ),
    Column(
        "needs",
        CODES,
        gettext_lazy(
            "Besoins auxquels l'outil répond vraiment : codes de la liste des besoins. À "
            "l'import, colonne absente : les besoins de l'outil ne changent pas."
        ),
        choices=_needs,
        codes_listed_apart=True,
    ),
    Column(
        "licence_spdx",
        SPDX,
        gettext_lazy("Licence du logiciel, expression SPDX (vide si propriétaire)."),
        max_length=_max(Tool, "licence_spdx"),
    ),
    Column(
        "licence_status",
        CODE,
        gettext_lazy("Statut de la licence."),
        True,
        choices=_choices(LicenceStatus),
    ),
    Column(
        "deployments",
        CODES,
        gettext_lazy("Modes d'utilisation."),
        True,
        choices=_choices(Deployment),
    ),
    Column(
        "replaces",
        TEXTS,
        gettext_lazy("Produits propriétaires que l'outil remplace (noms)."),
        max_length=_max(ProprietaryProduct, "name"),
    ),
    Column(
        "dimensions",
        CODES,
        gettext_lazy("Dimensions du diagnostic auxquelles l'outil contribue."),
        choices=_choices(Dimension),
    ),
    Column(
        "ease",
        INTEGER,
        gettext_lazy(
            "Facilité de prise en main : 1 facile, 2 moyenne, 3 demande de l'accompagnement."
        ),
        True,
        minimum=1,
        maximum=3,
    ),
    Column(
        "accessibility_notes",
        TEXT,
        gettext_lazy("Notes sur l'accessibilité."),
        max_length=_max(Tool, "accessibility_notes"),
    ),
    Column(
        "sobriety_notes",
        TEXT,
        gettext_lazy("Notes sur la sobriété."),
        max_length=_max(Tool, "sobriety_notes"),
    ),
    Column("website_url", URL, gettext_lazy("Site web."), max_length=_max(Tool, "website_url")),
    Column("source_url", URL, gettext_lazy("Code source."), max_length=_max(Tool, "source_url")),
    Column(
        "recommendation",
        CODE,
        gettext_lazy("Avis de la CRESS (vide à l'import : recommended)."),
        choices=_choices(Recommendation),
    ),
    Column(
        "recommendation_reason",
        TEXT,
        gettext_lazy("Raison de l'avis."),
        max_length=_max(Tool, "recommendation_reason"),
    ),
    Column("recommendation_date", DATE, gettext_lazy("Date de l'avis.")),
    Column("last_reviewed", DATE, gettext_lazy("Date de la dernière relecture.")),
]

OFFER_FIELDS = [
    Column(
        "tool_id",
        SLUG,
        gettext_lazy("Identifiant (id) de l'outil hébergé, dans outils.csv."),
        True,
        max_length=_max(Tool, "slug"),
    ),
    Column(
        "provider",
        TEXT,
        gettext_lazy(
            "Nom de l'hébergeur ; un hébergeur a les mêmes informations sur chacune de ses lignes."
        ),
        True,
        max_length=_max(Provider, "name"),
    ),
    Column(
        "provider_legal_form",
        TEXT,
        gettext_lazy("Forme juridique de l'hébergeur."),
        max_length=_max(Provider, "legal_form"),
    ),
    Column(
        "provider_ess_status",
        CODE,
        gettext_lazy("Statut ESS de l'hébergeur (vide à l'import : unknown)."),
        choices=_choices(EssStatus),
    ),
    Column("provider_chatons", BOOLEAN, gettext_lazy("Membre du collectif CHATONS.")),
    Column("provider_cress_pooled", BOOLEAN, gettext_lazy("Service mutualisé de la CRESS.")),
    Column(
        "name",
        TEXT,
        gettext_lazy("Nom de l'offre (unique pour un outil et un hébergeur)."),
        True,
        max_length=_max(HostingOffer, "name"),
    ),
    Column("url", URL, gettext_lazy("Adresse de l'offre."), max_length=_max(HostingOffer, "url")),
    Column("access", CODE, gettext_lazy("Conditions d'accès."), True, choices=_choices(Access)),
    Column("price", TEXT, gettext_lazy("Prix indicatif."), max_length=_max(HostingOffer, "price")),
    Column(
        "data_country",
        COUNTRY,
        gettext_lazy("Pays où sont stockées les données : code ISO 3166-1 à deux lettres (FR)."),
        True,
        choices=lambda: [(code, code) for code in sorted(ISO_COUNTRY_CODES)],
    ),
    Column(
        "support",
        TEXT,
        gettext_lazy("Accompagnement proposé."),
        max_length=_max(HostingOffer, "support"),
    ),
]

TOOL_KEY = ["id"]
# An offer is identified by its tool, its provider and its name (unique together).
OFFER_KEY = ["tool_id", "provider", "name"]
RESOURCES = {
    "outils": {"fields": TOOL_FIELDS, "key": TOOL_KEY, "file": "outils.csv"},
    "offres": {"fields": OFFER_FIELDS, "key": OFFER_KEY, "file": "offres.csv"},
}


# --- Text shared by the page and the schemas ------------------------------------------------------


def neutralised_note() -> str:
    names = [
        {"\t": _("une tabulation"), "\r": _("un retour chariot")}.get(c, c)
        for c in csvkit.FORMULA_STARTS
    ]
    starts = _("%(list)s ou %(last)s") % {"list": ", ".join(names[:-1]), "last": names[-1]}
    return _(
        "Dans les CSV, un texte qui commence par %(starts)s est précédé d’une apostrophe ('), "
        "pour qu’un tableur l’affiche comme du texte au lieu de l’exécuter comme une formule : "
        "retirez cette apostrophe pour retrouver la valeur (l’import de la plateforme la "
        "retire ; le JSON ne l’a pas). Les nombres ne sont jamais modifiés."
    ) % {"starts": starts}


def _codes_text(column: Column) -> str:
    codes = ", ".join(f"{code} ({label})" for code, label in column.choices())
    return _("Codes : %(codes)s.") % {"codes": codes} if codes else ""


def kind_label(column: Column) -> str:
    label = str(KIND_LABELS[column.kind])
    if column.kind == INTEGER:
        return _("entier de %(min)s à %(max)s") % {"min": column.minimum, "max": column.maximum}
    if column.max_length and column.kind in (TEXT, MARKDOWN, TEXTS):
        n = number_format(column.max_length, force_grouping=True)
        limit = _("%(n)s caractères au plus") % {"n": n}
        if column.kind == TEXTS:
            limit = _("%(n)s caractères au plus chacun") % {"n": n}
        return f"{label} ({limit})"
    return label


def describe(column: Column, *, csv: bool, vocabulary: bool = True) -> str:
    """The column's description with its codes and labels, and, for CSV, how lists and
    neutralised text are written. Without `vocabulary`, codes kept in data (the needs) are not
    read: for descriptions built before the database is there."""
    parts = [str(column.description)]
    if column.choices and column.kind != COUNTRY and (vocabulary or not column.codes_listed_apart):
        parts.append(_codes_text(column))
    if csv and column.kind in (CODES, TEXTS):
        parts.append(_("Plusieurs valeurs séparées par une barre verticale (|)."))
    if csv and column.kind in NEUTRALISED_KINDS:
        parts.append(_("Apostrophe initiale possible : voir la description du schéma."))
    return " ".join(part for part in parts if part)


def documentation(resource: str) -> list[dict]:
    """Rows of the open-data page's table for one file."""
    rows = []
    for column in RESOURCES[resource]["fields"]:
        description = str(column.description)
        if column.choices and column.kind != COUNTRY and not column.codes_listed_apart:
            description = f"{description} {_codes_text(column)}"
        rows.append(
            {
                "name": column.name,
                "type": kind_label(column),
                "required": column.required,
                "description": description,
            }
        )
    return rows


def required_columns(resource: str) -> list[str]:
    return [column.name for column in RESOURCES[resource]["fields"] if column.required]


# --- Table Schema (CSV) ------------------------------------------------------------------------------


def _list_pattern(item: str) -> str:
    return f"({item})(\\|({item}))*"


def table_field(column: Column) -> dict:
    field = {"name": column.name, "type": "string", "description": describe(column, csv=True)}
    constraints: dict = {}
    if column.required:
        constraints["required"] = True
    if column.kind == SLUG:
        constraints["pattern"] = SLUG_PATTERN
        constraints["maxLength"] = column.max_length
    elif column.kind == CODE or column.kind == COUNTRY:
        constraints["enum"] = column.codes()
    elif column.kind == CODES:
        codes = column.codes()
        constraints["pattern"] = _list_pattern("|".join(codes) if codes else CODE_PATTERN)
    elif column.kind == INTEGER:
        field["type"] = "integer"
        constraints.update(minimum=column.minimum, maximum=column.maximum)
    elif column.kind == BOOLEAN:
        field.update(type="boolean", trueValues=["true"], falseValues=["false"])
    elif column.kind == DATE:
        field.update(type="date", format="default")
    elif column.kind == URL:
        field["format"] = "uri"
        constraints["maxLength"] = column.max_length
    elif column.kind == SPDX:
        constraints["pattern"] = SPDX_PATTERN
        constraints["maxLength"] = column.max_length
    # Free text: no maxLength, a neutralised cell being one character longer than its value.
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(resource: str) -> dict:
    """The Table Schema of outils.csv or offres.csv (Frictionless Data, v1)."""
    spec = RESOURCES[resource]
    schema = {
        "title": (_("Outils du catalogue") if resource == "outils" else _("Offres d'hébergement")),
        "description": _(
            "Fichier CSV (RFC 4180) : UTF-8, séparateur virgule, guillemets doubles, lignes "
            "terminées par CRLF, une ligne d'en-tête. Valeur absente : cellule vide. "
        )
        + neutralised_note(),
        "version": SCHEMA_VERSION,
        "fields": [table_field(column) for column in spec["fields"]],
        "missingValues": [""],
        "primaryKey": spec["key"],
    }
    if resource == "offres":
        schema["foreignKeys"] = [
            {"fields": ["tool_id"], "reference": {"resource": "outils", "fields": ["id"]}}
        ]
    return schema


CSV_DIALECT = {
    "delimiter": ",",
    "lineTerminator": "\r\n",
    "quoteChar": '"',
    "doubleQuote": True,
    "header": True,
}


def datapackage(*, homepage: str) -> dict:
    """The data package: both CSV files with their Table Schemas (relative paths: the
    descriptor, the files and the schemas sit side by side, on the site and in the zip), and
    catalogue.json with its JSON Schema."""
    resources = []
    for name, spec in RESOURCES.items():
        resources.append(
            {
                "name": name,
                "title": table_schema(name)["title"],
                "path": spec["file"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": CSV_DIALECT,
                "schema": f"schemas/{name}.json",
                "licenses": [LICENCE],
            }
        )
    resources.append(
        {
            "name": "catalogue",
            "title": _("Catalogue complet : outils et offres"),
            "description": _(
                "Les mêmes outils et offres en un fichier JSON, décrit par un schéma JSON "
                "(JSON Schema 2020-12) : %(schema)s. Les listes y sont des tableaux, les dates null "
                "quand elles manquent, et aucun texte n'est précédé d'une apostrophe."
            )
            % {"schema": "schemas/catalogue.schema.json"},
            "path": "catalogue.json",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "licenses": [LICENCE],
        }
    )
    return {
        "name": "boussole-numerique-ess-outils",
        "title": _("Boîte à outils numériques de la Boussole numérique ESS"),
        "description": _(
            "Outils numériques éthiques recommandés aux organisations de l'ESS et offres "
            "d'hébergement de ces outils, tels que publiés par la CRESS. Aucune donnée "
            "personnelle. "
        )
        + neutralised_note(),
        "version": SCHEMA_VERSION,
        "homepage": homepage,
        "licenses": [LICENCE],
        "resources": resources,
    }


# --- JSON Schema (catalogue.json) -------------------------------------------------------------------


def json_property(column: Column) -> dict:
    description = describe(column, csv=False)
    if column.kind in (SLUG, SPDX):
        pattern = SLUG_PATTERN if column.kind == SLUG else SPDX_PATTERN
        value = {"type": "string", "pattern": f"^{pattern}$", "maxLength": column.max_length}
        if not column.required:
            value = {"anyOf": [value, {"const": ""}]}
    elif column.kind in (TEXT, MARKDOWN):
        value = {"type": "string", "maxLength": column.max_length}
        if column.required:
            value["minLength"] = 1
    elif column.kind in (CODE, COUNTRY):
        value = {"type": "string", "enum": column.codes() + ([] if column.required else [""])}
    elif column.kind == CODES:
        codes = column.codes()
        item = {"type": "string", "enum": codes} if codes else {"pattern": f"^{CODE_PATTERN}$"}
        value = {"type": "array", "items": item, "uniqueItems": True}
        if column.required:
            value["minItems"] = 1
    elif column.kind == TEXTS:
        value = {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": column.max_length},
            "maxItems": MAX_LIST_ITEMS,
        }
    elif column.kind == INTEGER:
        value = {"type": "integer", "minimum": column.minimum, "maximum": column.maximum}
    elif column.kind == BOOLEAN:
        value = {"type": "boolean"}
    elif column.kind == DATE:
        value = {"type": ["string", "null"], "format": "date", "pattern": f"^{DATE_PATTERN}$"}
    elif column.kind == URL:
        value = {
            "type": "string",
            "anyOf": [{"pattern": f"^{URL_PATTERN}$", "format": "uri"}, {"const": ""}],
            "maxLength": column.max_length,
        }
    else:  # pragma: no cover - every kind is handled above
        raise ValueError(column.kind)
    return {"description": description, **value}


def json_record(resource: str) -> dict:
    fields = RESOURCES[resource]["fields"]
    return {
        "type": "object",
        "properties": {column.name: json_property(column) for column in fields},
        "required": [column.name for column in fields],
        "additionalProperties": False,
    }


def catalogue_schema(*, schema_url: str) -> dict:
    """The JSON Schema (draft 2020-12) of catalogue.json."""
    major = SCHEMA_VERSION.split(".")[0]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": _("Catalogue de la boîte à outils (outils et offres d'hébergement)"),
        "description": _(
            "Les outils publiés et leurs offres d'hébergement ; mêmes identifiants et mêmes "
            "valeurs que outils.csv et offres.csv. Version du format : %(version)s."
        )
        % {"version": SCHEMA_VERSION},
        "version": SCHEMA_VERSION,
        "type": "object",
        "properties": {
            "schema": {
                "description": _("Adresse de ce schéma."),
                "type": "string",
                "format": "uri",
            },
            "version": {
                "description": _("Version du format (même version majeure que ce schéma)."),
                "type": "string",
                "pattern": f"^{major}\\.[0-9]+\\.[0-9]+$",
            },
            "licenses": {
                "description": _("Licence des données."),
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "title": {"type": "string"},
                        "path": {"type": "string", "format": "uri"},
                    },
                    "required": ["name", "path"],
                },
            },
            "tools": {"type": "array", "items": {"$ref": "#/$defs/tool"}},
            "offers": {"type": "array", "items": {"$ref": "#/$defs/offer"}},
        },
        "required": ["schema", "version", "licenses", "tools", "offers"],
        "additionalProperties": False,
        "$defs": {"tool": json_record("outils"), "offer": json_record("offres")},
    }
