"""The published catalogue as open data (CSV and JSON), and importing from the same format.

Identifiers are the tools' slugs (`id`): stable across exports, used to update on import.
No personal data: no author, no organisation, no testimonial.
"""

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import csvkit
from toolbox import opendata_schema as schema
from toolbox.models import Alternative, HostingOffer, Tool, ToolStatus
from toolbox.services import json_values, proposals, vocabulary
from toolbox.text import normalise

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
# The catalogue nests 4 levels (file, list of tools, tool, list of usages): anything much
# deeper is no catalogue, and Python's JSON parser recurses once per level.
MAX_JSON_DEPTH = 10

# The columns and their rules are described once, in toolbox.opendata_schema.
LIST_SEPARATOR = schema.LIST_SEPARATOR
TOOL_COLUMNS = [column.name for column in schema.TOOL_FIELDS]
OFFER_COLUMNS = [column.name for column in schema.OFFER_FIELDS]
LIST_COLUMNS = {
    column.name for column in schema.TOOL_FIELDS if column.kind in (schema.CODES, schema.TEXTS)
}
REQUIRED_TOOL_COLUMNS = schema.required_columns("outils")
REQUIRED_OFFER_COLUMNS = schema.required_columns("offres")
# The zip's files sit in one folder, as they do under /outils/donnees/ on the site.
PACKAGE_FOLDER = "boussole-catalogue"
CURATED = ["recommendation", "recommendation_reason", "recommendation_date", "last_reviewed"]


# --- Export -------------------------------------------------------------------------------------------


def _published():
    return Tool.objects.published().order_by("slug")


# Read as plain values, not model instances: a whole catalogue's files are built in well under
# a second (a tool's search text, or each offer's whole tool, would be read for nothing).
TOOL_VALUES = [c for c in TOOL_COLUMNS[1:] if c != "replaces"]
OFFER_VALUES = {
    "tool_id": "tool__slug",
    "provider": "provider__name",
    "provider_legal_form": "provider__legal_form",
    "provider_ess_status": "provider__ess_status",
    "provider_chatons": "provider__chatons_member",
    "provider_cress_pooled": "provider__cress_pooled",
    "name": "name",
    "url": "url",
    "access": "access",
    "price": "price",
    "data_country": "data_country",
    "support": "support",
}


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def tool_records(tools) -> list[dict]:
    """The file records of these tools (a queryset), in its order: the columns of outils.csv,
    "replaces" as the sorted names of the products replaced (as json_values.tool_values)."""
    rows = list(tools.values("pk", "slug", *TOOL_VALUES))
    replaced: dict[int, list[str]] = {}
    # Unordered (the model's ordering joins the tools again); sorted by name below.
    products = (
        Alternative.objects.filter(tool_id__in=[row["pk"] for row in rows])
        .order_by()
        .values_list("tool_id", "product__name")
    )
    for tool_id, name in products:
        replaced.setdefault(tool_id, []).append(name)
    return [
        {
            "id": row["slug"],
            **{
                column: sorted(replaced.get(row["pk"], []))
                if column == "replaces"
                else _json_value(row[column])
                for column in TOOL_COLUMNS[1:]
            },
        }
        for row in rows
    ]


def offer_records(offers) -> list[dict]:
    """The file records of these offers (a queryset), in its order: the columns of offres.csv."""
    return [
        dict(zip(OFFER_VALUES, row, strict=True))
        for row in offers.values_list(*OFFER_VALUES.values())
    ]


def _published_offers():
    return HostingOffer.objects.filter(tool__status=ToolStatus.PUBLISHED).order_by(
        "tool__slug", "provider__name", "name"
    )


def site_url(name: str) -> str:
    """The absolute address of a toolbox URL on this site (SITE_URL), for files built without
    a request."""
    return settings.SITE_URL.rstrip("/") + reverse(name)


@dataclass
class Catalogue:
    """The published tools and offers as file records, read once for every file built."""

    tools: list[dict]
    offers: list[dict]

    @classmethod
    def read(cls) -> "Catalogue":
        return cls(tool_records(_published()), offer_records(_published_offers()))


def catalogue_json(catalogue: Catalogue | None = None, *, schema_url: str | None = None) -> str:
    catalogue = catalogue or Catalogue.read()
    return json.dumps(
        {
            "schema": schema_url or site_url("toolbox:catalogue_schema"),
            "version": schema.SCHEMA_VERSION,
            "licenses": [schema.LICENCE],
            "tools": catalogue.tools,
            "offers": catalogue.offers,
        },
        ensure_ascii=False,
        indent=1,
    )


def _cell(value):
    if isinstance(value, bool):  # before csvkit, which keeps numbers (and bools) as they are
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return value


def _csv(rows: list[dict], columns: list[str]) -> str:
    """RFC 4180: CRLF after every record, a header row; text a spreadsheet would run is
    neutralised by csvkit (documented in the schemas)."""
    out = io.StringIO(newline="")
    writer = csvkit.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def tools_csv(catalogue: Catalogue | None = None) -> str:
    tools = catalogue.tools if catalogue else tool_records(_published())
    return _csv(tools, TOOL_COLUMNS)


def offers_csv(catalogue: Catalogue | None = None) -> str:
    offers = catalogue.offers if catalogue else offer_records(_published_offers())
    return _csv(offers, OFFER_COLUMNS)


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def datapackage_json() -> str:
    return _json(schema.datapackage(homepage=site_url("toolbox:opendata")))


def table_schema_json(resource: str) -> str:
    return _json(schema.table_schema(resource))


def catalogue_schema_json(schema_url: str | None = None) -> str:
    return _json(
        schema.catalogue_schema(schema_url=schema_url or site_url("toolbox:catalogue_schema"))
    )


def package_files() -> dict[str, str]:
    """Every file of the data package by its path: the descriptor, both CSV files, the JSON
    catalogue and the three schemas, laid out as on the site (relative paths resolve)."""
    catalogue = Catalogue.read()
    return {
        "datapackage.json": datapackage_json(),
        "outils.csv": tools_csv(catalogue),
        "offres.csv": offers_csv(catalogue),
        "catalogue.json": catalogue_json(catalogue),
        "schemas/outils.json": table_schema_json("outils"),
        "schemas/offres.json": table_schema_json("offres"),
        "schemas/catalogue.schema.json": catalogue_schema_json(),
    }


def package_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in package_files().items():
            archive.writestr(f"{PACKAGE_FOLDER}/{path}", text.encode())
    return out.getvalue()


def write_package(directory: Path) -> Path:
    """Write the data package's files under `directory`; return the descriptor's path."""
    for path, text in package_files().items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode())
    return directory / "datapackage.json"


# --- Import -------------------------------------------------------------------------------------------


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
            return _("%(source)s, %(what)s n°\u00a0%(n)s") % {
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


def _check_format(data: dict) -> None:
    """A catalogue of this format's major version (its schema's address ends the same on any
    site running the platform), or of the first format; a file without "schema" is read as
    this format."""
    name, version = data.get("schema"), data.get("version")
    if name is None or name == schema.LEGACY_SCHEMA_NAME:
        return
    path = reverse("toolbox:catalogue_schema")
    if not isinstance(name, str) or not name.endswith(path):
        raise ImportFileError(
            _("Schéma « %(schema)s » inconnu (attendu : %(expected)s, ou %(legacy)s).")
            % {"schema": str(name)[:80], "expected": path, "legacy": schema.LEGACY_SCHEMA_NAME}
        )
    major = schema.SCHEMA_VERSION.split(".")[0]
    if not isinstance(version, str) or version.split(".")[0] != major:
        raise ImportFileError(
            _("Version « %(version)s » du format non prise en charge (attendue : %(major)s.x).")
            % {"version": str(version)[:20], "major": major}
        )


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
    _check_format(data)
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
    required = REQUIRED_OFFER_COLUMNS if kind == "offers" else REQUIRED_TOOL_COLUMNS
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
    need_choices = list(vocabulary.need_labels().items())
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
        return _("à l'offre n°\u00a0%(n)s") % {"n": line}
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
            tools[identifier] = json_values.apply_tool_values(
                tool, values, user=user, reason=reason
            )
        missing = {v["tool_id"] for v in report.valid_offers} - tools.keys()
        tools |= {tool.slug: tool for tool in Tool.objects.filter(slug__in=missing)}
        for values in report.valid_offers:
            proposals.import_offer(
                tool=tools[values["tool_id"]], values=values, user=user, reason=reason
            )
    report.imported = True
    return report
