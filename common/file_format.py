"""Files that people write by hand (YAML), read through pydantic models.

One description of a format gives its validation, its error messages in French located in the
file (`dimensions[2].questions[1].choices[0].score : …`) and its published JSON Schema. A
format is a tree of `FileModel`s (see maturity.questionnaire_format, for instance), read in two
steps so that one pass lists every error:

1. `check()` validates the whole file: its shape and types (strict: a number is not a text,
   an unknown key is an error), each node's own rules (`FileModel.problems`, once the node is
   well formed) and the values checked against what the validation context provides.
2. The format's checks across the file (codes used twice, references from one part to
   another) read `partial()`: the same file in which every malformed node is left out. An
   error in one part does not hide a wrong reference in another, and a reference to a part
   that is malformed is not reported as missing: that part's own error says what to fix.
"""

import contextlib
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, ClassVar, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema, SkipJsonSchema
from pydantic_core import InitErrorDetails, PydanticCustomError

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]  # where, relative to the node that finds it, and what is wrong

ROOT = "fichier"
_PARTIAL = "_partial_read"  # validation context key of a partial read
# Our own errors: their message is already the French one.
_OURS = {"format_value", "format_rule"}
# Pydantic's errors, in the words of the people who edit the files.
MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "clé inconnue",
    "string_type": "doit être un texte",
    "string_too_short": "champ obligatoire manquant",
    "string_too_long": "{max_length} caractères au plus",
    "bool_type": "doit valoir true ou false",
    "int_type": "doit être un nombre entier",
    "list_type": "doit être une liste",
    "model_type": "doit être une table (clé : valeur)",
    "dict_type": "doit être une table (clé : valeur)",
    "model_attributes_type": "doit être une table (clé : valeur)",
    "too_short": "au moins {min_length} élément(s)",
    "literal_error": "doit être l'un de : {expected}",
    "string_pattern_mismatch": "« {input} » ne suit pas le format attendu",
}


class FileModel(BaseModel):
    """A table of a file: unknown keys refused, values of exactly the written type."""

    model_config = ConfigDict(extra="forbid", strict=True)
    SCHEMA_DESCRIPTION: ClassVar[str] = ""  # in the published JSON Schema, in French

    def problems(self, context: Mapping[str, Any]) -> Iterable[Problem]:
        """This node's own rules, checked once its values are well formed."""
        return ()

    @model_validator(mode="wrap")
    @classmethod
    def _node(cls, data: Any, handler, info: ValidationInfo):
        partial = _is_partial(info)
        try:
            node = handler(data)
        except ValidationError:
            if partial:
                return None  # left out of a partial read
            raise
        if not partial and cls.problems is not FileModel.problems:
            _raise(node.problems(info.context or {}), data)
        return node


def _is_partial(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get(_PARTIAL))


def _raise(problems: Iterable[Problem], value: Any) -> None:
    details = [
        InitErrorDetails(
            type=PydanticCustomError("format_rule", "{message}", {"message": message}),
            loc=loc,
            input=value,
        )
        for loc, message in problems
    ]
    if details:
        # Pydantic places these under the location of the node that raises them.
        raise ValidationError.from_exception_data("rules", details)


# --- Types ----------------------------------------------------------------------------------------


def reworded(message: str, *types: str) -> WrapValidator:
    """Our message instead of pydantic's for these errors of the value itself ({value}: it)."""

    def validator(value: Any, handler):
        try:
            return handler(value)
        except ValidationError as exc:
            if all(e["type"] in types and not e["loc"] for e in exc.errors()):
                raise PydanticCustomError("format_value", message, {"value": value}) from None
            raise

    return WrapValidator(validator)


def rules(check: Callable[[Any], Iterable[Problem]]) -> AfterValidator:
    """The rules of a list or a value as a whole, once its items are well formed."""

    def validator(value: Any, info: ValidationInfo):
        if not _is_partial(info):
            _raise(check(value), value)
        return value

    return AfterValidator(validator)


def known_in(key: str, message: str) -> AfterValidator:
    """A reference to something the validation context lists under `key` (when it does)."""

    def validator(value: Any, info: ValidationInfo):
        known = (info.context or {}).get(key)
        if known is not None and value not in known:
            raise PydanticCustomError("format_value", message, {"value": value})
        return value

    return AfterValidator(validator)


def text(max_length: int | None = None, **field) -> Any:
    """A required text, trimmed: missing, null or blank is "champ obligatoire manquant"."""
    constraints = StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)
    return Annotated[str, constraints, Field(**field)]


def optional_text(max_length: int | None = None, **field) -> Any:
    """A text that may be left out, empty or null (read as empty), trimmed."""
    constraints = StringConstraints(strip_whitespace=True, max_length=max_length)
    return optional(Annotated[str, constraints], **field)


def optional(kind: Any, **field) -> Any:
    """A text of this kind, or null read as an empty text."""
    return Annotated[kind | None, AfterValidator(lambda v: v or ""), Field(**field)]


def integer(low: int, high: int | None = None, *, message: str = "", **field) -> Any:
    """A whole number in a range, with one message for any number outside it."""
    message = message or f"doit être un entier entre {low} et {high}"
    errors = ("int_type", "greater_than_equal", "less_than_equal")
    return Annotated[int, Field(ge=low, le=high, **field), reworded(message, *errors)]


def one_of(values: Iterable, message: str, **field) -> Any:
    """One of a few codes ({value}: the value written)."""
    return Annotated[Literal[tuple(values)], reworded(message, "literal_error"), Field(**field)]  # type: ignore[valid-type]


def matching(pattern: str, message: str, **constraints) -> Any:
    """A trimmed text that follows a pattern ({value}: the value written)."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, pattern=pattern, **constraints),
        reworded(message, "string_pattern_mismatch"),
    ]


def items(item: Any, message: str, **field) -> Any:
    """A list of at least one item; `message` says it is empty."""
    return Annotated[list[item], Field(min_length=1, **field), reworded(message, "too_short")]


def renamed(replacement: str) -> Any:
    """A key of an earlier version of the format: refused, saying what replaced it."""

    def refuse(value: Any):
        raise PydanticCustomError("format_value", f"remplacé par {replacement}")

    return Annotated[Any, SkipJsonSchema(), AfterValidator(refuse), Field(exclude=True)]


def absent_if_none(**field) -> Any:
    """An optional key left out of the normalised file when it is not given (null is not a
    value: annotate the field without None)."""
    # No "default": null in the schema: a key left out is not a key written null.
    return Field(
        default=None,
        exclude_if=lambda v: v is None,
        json_schema_extra=lambda schema: schema.pop("default", None),
        **field,
    )


# --- Reading a file -------------------------------------------------------------------------------


def check(
    model: type[FileModel], data: Any, context: Mapping[str, Any] | None = None
) -> tuple[FileModel | None, list[str]]:
    """The file validated (None when it is not) and its errors, located, in French."""
    try:
        return model.model_validate(data, context=dict(context or {})), []
    except ValidationError as exc:
        return None, located(exc, model)


def partial(
    model: type[FileModel], data: Any, context: Mapping[str, Any] | None = None
) -> FileModel | None:
    """The file with its malformed nodes left out (None in their list or key): what the
    checks across the file read. Each top-level key is read on its own, so that a wrong title
    leaves the rest readable."""
    if not isinstance(data, dict):
        return None
    context = {**(context or {}), _PARTIAL: True}
    values = {}
    for name, field in model.model_fields.items():
        values[name] = None if field.is_required() else field.get_default()
        if name in data:
            with contextlib.suppress(ValidationError):  # else its default, None when required
                values[name] = _adapter(model, name).validate_python(data[name], context=context)
    return model.model_construct(**values)


@functools.cache
def _adapter(model: type[FileModel], name: str) -> TypeAdapter:
    field = model.model_fields[name]
    kind = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
    return TypeAdapter(kind)


def codes(node: Any, loc: Loc = ()) -> list[tuple[Loc, str]]:
    """Every node's `code`, in the order of the file's keys, with where the node is."""
    found: list[tuple[Loc, str]] = []
    _collect_codes(node, loc, found)
    return found


def _collect_codes(node: Any, loc: Loc, found: list[tuple[Loc, str]]) -> None:
    # Appending rather than yielding, and only into the keys that hold tables or lists: this is
    # most of the time a clean file's check takes otherwise.
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, (FileModel, list)):
                _collect_codes(item, (*loc, i), found)
        return
    model = type(node)
    if "code" in model.model_fields and isinstance(node.code, str):
        found.append((loc, node.code))
    for name in _nested(model):
        if (value := getattr(node, name)) is not None:
            _collect_codes(value, (*loc, name), found)


@functools.cache
def _nested(model: type[FileModel]) -> tuple[str, ...]:
    """The keys of a table that may hold tables (or lists of them)."""
    return tuple(name for name in model.model_fields if not _is_plain(model, name))


def located(exc: ValidationError, model: type[FileModel]) -> list[str]:
    """Pydantic's errors as "where : what", in French."""
    return [
        at(e["loc"], model, _message(e), value=e["input"] if e["type"] in _OURS else None)
        for e in exc.errors()
    ]


def at(loc: Loc, model: type[FileModel], message: str, *, value: Any = None) -> str:
    """An error in the project's words: `dimensions[2].questions[1].code : …`.

    A plain value at the top of the file is written `fichier.version`; a wrong code in a list
    of codes is named in the message rather than numbered (`needs : « x » …`)."""
    if loc and isinstance(loc[-1], int) and isinstance(value, str):
        loc = loc[:-1]
    return f"{path(loc, model)} : {message}"


def path(loc: Loc, model: type[FileModel]) -> str:
    """Where in the file: `dimensions[2].questions[1]`, `fichier.version`, `fichier`."""
    if not loc:
        return ROOT
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else part
    return f"{ROOT}.{out}" if len(loc) == 1 and _is_plain(model, loc[0]) else out


def _is_plain(model: type[FileModel], key: str | int) -> bool:
    """A key holding plain values (a text, a number, a list of them), no table."""
    field = model.model_fields.get(str(key))
    if field is None:
        return False
    kinds = get_args(field.annotation) or (field.annotation,)
    return not any(
        get_origin(kind) is list or (isinstance(kind, type) and issubclass(kind, BaseModel))
        for kind in kinds
    )


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind in _OURS:
        return error["msg"]
    in_list = bool(error["loc"]) and isinstance(error["loc"][-1], int)
    if kind == "string_type" and error["input"] is None and not in_list:
        return MESSAGES["missing"]  # `title:` left empty
    if kind == "string_too_short" and in_list:
        return "ne doit pas être vide"
    template = MESSAGES.get(kind)
    if template is None:
        return f"valeur refusée ({error['msg']})"
    return template.format(input=error["input"], **error.get("ctx", {}))


# --- Published schema -------------------------------------------------------------------------------


class _Generator(GenerateJsonSchema):
    """Pydantic's JSON Schema without what it takes from the Python code, in English: titles
    made from names, descriptions from docstrings (a model may describe itself in French in
    `SCHEMA_DESCRIPTION`)."""

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def model_schema(self, schema):
        out = super().model_schema(schema)
        out.pop("title", None)
        out.pop("description", None)
        if description := getattr(schema["cls"], "SCHEMA_DESCRIPTION", ""):
            out["description"] = description
        return out


def json_schema(
    model: type[FileModel], *, url: str, title: str, description: str, version: str
) -> dict:
    """The JSON Schema (draft 2020-12) of a format, at its stable address, with its version."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": url,
        "title": title,
        "description": description,
        "version": version,
        **model.model_json_schema(schema_generator=_Generator),
    }
