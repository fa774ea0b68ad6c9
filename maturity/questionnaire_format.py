"""The questionnaire file format (fixtures/questionnaire.yaml), described once.

The models below validate a file (maturity.questionnaire_file imports and exports it) and
produce the JSON Schema published at /diagnostic/formats/questionnaire.schema.json. Lengths
come from the database columns that hold the texts. What a JSON Schema cannot say is checked
by the models' rules (the choices of a question, a follow-up's trigger) and by the checks
across the file below (codes used once, the discovery questions).

VERSION changes whenever the format changes (semantic versioning: the major number when a
file valid before may no longer be, or may mean something else); CHANGELOG says what changed.
"""

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, ClassVar

from pydantic import Field

from common import file_format, safe_yaml
from common.file_format import FileModel, Loc, Problem
from maturity import profile
from maturity.models import Choice as ChoiceRow
from maturity.models import Question as QuestionRow
from maturity.models import Questionnaire as QuestionnaireRow
from maturity.models import Section

FORMAT = "questionnaire-format"
VERSION = "1.1.0"
SCHEMA_URL_NAME = "maturity:questionnaire_schema"  # its stable address (a path of this site)
# (version, date, changes), newest first: shown on the formats page.
CHANGELOG = [
    (
        "1.1.0",
        "2026-12-05",
        [
            "Nouvelle clé facultative organisation_field sur les questions du profil : la "
            "question est reprise de la fiche de l'organisation (staff_band, volunteers_band, "
            "integration_band ou sector), qui y répond ; elle n'est posée que dans le "
            "diagnostic découverte et ses choix sont ceux de la fiche. Les fichiers valides en "
            "1.0.0 le restent.",
        ],
    ),
    (
        "1.0.0",
        "2026-12-04",
        [
            "Première version publiée, avec son schéma JSON (JSON Schema 2020-12) : les clés et les "
            "valeurs acceptées jusqu'ici, et les questions du diagnostic découverte "
            "(discovery).",
            "Plus strict qu'avant : une clé inconnue est une erreur (une faute de frappe était "
            "ignorée) ; la version s'écrit comme un texte, entre guillemets ; chaque niveau a "
            "son seuil (min_score).",
        ],
    ),
]

CODE_PATTERN = r"^[a-z0-9_]+$"
NEED_PATTERN = r"^[a-z][a-z_]*$"  # the toolbox's need codes (toolbox.models.Need)
KINDS = ("single", "multiple", "scale", "text")
DIFFICULTY_TYPES = ("techniques", "financieres", "humaines", "strategiques")
PROFILE_CODE, DIFFICULTIES_CODE = "profil", "difficultes"
# The discovery diagnostic (maturity.discovery) is answered in under 5 minutes, on one page.
MAX_DISCOVERY_QUESTIONS = 15
# What the database columns hold, by key of the file (the same key has the same limit anywhere).
TEXT_LIMITS = {
    "version": QuestionnaireRow._meta.get_field("version").max_length,
    "code": Section._meta.get_field("code").max_length,
    "title": Section._meta.get_field("title").max_length,
    "description": Section._meta.get_field("description").max_length,
    "text": QuestionRow._meta.get_field("text").max_length,
    "help": QuestionRow._meta.get_field("help").max_length,
    "label": ChoiceRow._meta.get_field("label").max_length,
    "explanation": ChoiceRow._meta.get_field("explanation").max_length,
}

Code = file_format.matching(
    CODE_PATTERN,
    "« {value} » : lettres minuscules, chiffres et _ seulement",
    min_length=1,
    max_length=TEXT_LIMITS["code"],
)
Title = file_format.text(TEXT_LIMITS["title"])
Description = file_format.optional_text(TEXT_LIMITS["description"])
Label = file_format.text(TEXT_LIMITS["label"])
Weight = file_format.integer(1, 3, description="Poids dans la moyenne (1 à 3).")


class Choice(FileModel):
    code: Code
    label: Label
    score: file_format.integer(0, 100) | None = None
    explanation: file_format.optional_text(
        TEXT_LIMITS["explanation"], description="Pourquoi ce choix vaut ce score (résultats)."
    ) = ""
    exclusive: bool = False
    not_applicable: bool = False

    def rules_in(self, *, scored: bool) -> Iterator[tuple[str, str]]:
        """(key, message): what a choice needs in a scored part (a dimension) or not."""
        if self.not_applicable:
            # "Non concerné": the question does not apply; left out of the scores.
            if not scored:
                yield "not_applicable", "seulement pour une question notée"
            elif self.score is not None:
                yield "score", "un choix « non concerné » n'a pas de score"
        elif scored and self.score is None:
            yield "score", "chaque choix d'une question notée a un score (0 à 100)"
        if scored and not self.explanation and not self.not_applicable:
            yield "explanation", "chaque choix d'une question notée est expliqué"


class ShowIf(FileModel):
    question: file_format.text(description="Code d'une question précédente de la même partie.")
    choices: file_format.items(str, "au moins un choix déclencheur est nécessaire")


class Question(FileModel):
    """A question of the profile (unscored); the parts' questions below differ in their rules."""

    SCHEMA_DESCRIPTION = "Une question du profil (non notée)."

    SCORED: ClassVar[bool] = False
    DISCOVERY: ClassVar[bool] = True  # may be asked in the discovery diagnostic
    ORGANISATION: ClassVar[bool] = True  # may be answered by the organisation's record

    code: Code
    kind: file_format.one_of(
        KINDS, f"doit être l'un de : {', '.join(sorted(KINDS))}", description="Type de réponse."
    )
    text: file_format.text(TEXT_LIMITS["text"])
    help: file_format.optional_text(TEXT_LIMITS["help"]) = ""
    required: bool = True
    allow_unknown: bool = False
    weight: Weight = 1
    discovery: bool = False
    choices: list[Choice] = []
    show_if: ShowIf = file_format.absent_if_none(
        description="Question de suivi : posée seulement après l'un de ces choix."
    )
    organisation_field: (
        file_format.one_of(
            profile.ORGANISATION_FIELDS,
            f"doit être l'un de : {', '.join(profile.ORGANISATION_FIELDS)}",
        )
        | None
    ) = file_format.absent_if_none(
        description=(
            "Champ de la fiche de l'organisation qui répond à la question : elle n'est pas "
            "posée dans le diagnostic d'une organisation (sa fiche y est montrée), seulement "
            "dans le diagnostic découverte. Ses choix sont ceux de la fiche."
        )
    )

    def problems(self, context: Mapping[str, Any]) -> Iterator[Problem]:
        yield from self._discovery_rules()
        yield from self._organisation_rules()
        if self.kind == "text":
            if self.choices:
                yield ("choices",), "une question de texte libre n'a pas de choix"
            return
        for i, choice in enumerate(self.choices):
            for key, message in choice.rules_in(scored=self.SCORED):
                yield ("choices", i, key), message
        yield from ((("choices",), message) for message in self._choices_rules())

    def _discovery_rules(self) -> Iterator[Problem]:
        # The discovery form shows every question at once, without an account and without
        # JavaScript: no follow-up that would appear after another answer, no free text.
        if not self.discovery:
            return
        if not self.DISCOVERY:
            yield ("discovery",), "seulement pour les questions du profil et des dimensions"
        if self.kind == "text":
            yield ("discovery",), "une question de découverte se répond par un choix"
        if self.show_if is not None:
            yield ("discovery",), "une question de découverte ne dépend pas d'une autre réponse"

    def _organisation_rules(self) -> Iterator[Problem]:
        # One list of bands and sectors everywhere: the record's, whose values the choices'
        # codes name (maturity.profile.choice_code).
        field = self.organisation_field
        if field is None:
            return
        if not self.ORGANISATION:
            yield ("organisation_field",), "seulement pour les questions du profil"
        if self.kind != "single":
            yield ("organisation_field",), "une question reprise de la fiche a un choix unique"
        expected = [code for code, _label in profile.expected_choices(self.code, field)]
        if [c.code for c in self.choices] != expected:
            yield (
                ("choices",),
                f"les choix sont ceux de la fiche de l'organisation ({field}), dans cet ordre : "
                f"{', '.join(expected)}",
            )

    def _choices_rules(self) -> Iterator[str]:
        choices, kind = self.choices, self.kind
        not_applicable = sum(c.not_applicable for c in choices)
        exclusive = sum(c.exclusive for c in choices)
        scores = [c.score for c in choices if c.score is not None]
        rules = [
            (len(choices) < 2, "au moins deux choix sont nécessaires"),
            (not_applicable > 1, "une question a au plus un choix « non concerné »"),
            (
                kind == "multiple" and not_applicable,
                "« non concerné » s'emploie pour un choix unique ou une échelle",
            ),
            (
                kind == "scale" and scores and len(choices) - not_applicable != 5,
                "une échelle a exactement 5 choix",
            ),
            (
                kind == "multiple" and exclusive > 1,
                "une question à choix multiple a au plus un choix exclusif",
            ),
            (
                kind != "multiple" and exclusive,
                "« exclusive » ne s'emploie que pour les choix multiples",
            ),
            (
                self.SCORED
                and kind == "single"
                and scores
                and (max(scores), min(scores)) != (100, 0),
                "la meilleure réponse vaut 100 et la plus faible 0",
            ),
        ]
        return (message for broken, message in rules if broken)


def _questions(model: type[Question]) -> Any:
    return file_format.items(model, "au moins une question est nécessaire")


class DimensionQuestion(Question):
    """A scored question: each choice has a score and says why."""

    SCHEMA_DESCRIPTION = (
        "Une question notée : chaque choix a un score (0 à 100) et son explication, sauf le "
        "choix « non concerné »."
    )

    SCORED: ClassVar[bool] = True
    ORGANISATION: ClassVar[bool] = False


class SkillsQuestion(Question):
    SCHEMA_DESCRIPTION = "Une question sur les compétences d'une personne (personnelle)."
    DISCOVERY: ClassVar[bool] = False
    ORGANISATION: ClassVar[bool] = False


class DifficultyQuestion(Question):
    SCHEMA_DESCRIPTION = "Une question sur les difficultés ressenties."
    DISCOVERY: ClassVar[bool] = False
    ORGANISATION: ClassVar[bool] = False

    difficulty_type: (
        file_format.one_of(
            DIFFICULTY_TYPES,
            f"doit être l'un de : {', '.join(sorted(DIFFICULTY_TYPES))}",
            description="Type de difficulté que la question mesure (score : son intensité).",
        )
        | None
    ) = None


class Level(FileModel):
    code: Code
    label: Label
    min_score: file_format.integer(
        0, 100, description="Score à partir duquel ce niveau est atteint."
    )
    stage: file_format.optional_text() = ""
    description: file_format.text(TEXT_LIMITS["description"])


def _thresholds(levels: list[Level]) -> Iterator[Problem]:
    thresholds = [level.min_score for level in levels]
    if thresholds[0] != 0 or thresholds != sorted(set(thresholds)):
        yield (), "les seuils commencent à 0 et sont strictement croissants"


class Profile(FileModel):
    title: Title
    description: Description = ""
    questions: _questions(Question)


class Dimension(FileModel):
    code: Code
    title: Title
    description: Description = ""
    weight: Weight = 1
    questions: _questions(DimensionQuestion)


class Difficulties(FileModel):
    title: Title
    description: Description = ""
    questions: _questions(DifficultyQuestion)


class SkillsArea(FileModel):
    code: Code
    title: Title
    questions: _questions(SkillsQuestion)


class Skills(FileModel):
    title: Title
    description: Description = ""
    areas: list[SkillsArea]


class CommonTool(FileModel):
    name: file_format.text()
    libre: bool
    eu_hosted: bool


class Usage(FileModel):
    code: Code
    label: Label
    needs: list[
        file_format.matching(NEED_PATTERN, "« {value} » : lettres minuscules et _ seulement")
    ] = Field(default=[], description="Les besoins de la boîte à outils que sert cet usage.")
    several_tools_expected: bool = Field(
        default=False,
        description="Plusieurs outils y sont plusieurs canaux (pas des doublons).",
    )
    common_tools: list[CommonTool] = []


class Equipment(FileModel):
    code: Code
    label: Label


class Inventory(FileModel):
    title: Title
    description: Description = ""
    usages: list[Usage]
    equipment: list[Equipment]


class QuestionnaireFile(FileModel):
    version: file_format.text(
        TEXT_LIMITS["version"], description='Numéro de version, écrit entre guillemets : "2026.2".'
    )
    title: Title
    description: Description = ""
    levels: Annotated[
        file_format.items(Level, "au moins un niveau est nécessaire"),
        file_format.rules(_thresholds),
    ]
    profile: Profile
    dimensions: file_format.items(Dimension, "au moins une dimension est nécessaire")
    difficulties: Difficulties
    skills: Skills
    inventory: Inventory


# --- Checks across the file -------------------------------------------------------------------------


def _codes_used_twice(document: QuestionnaireFile) -> Iterator[Problem]:
    first: dict[str, Loc] = {}
    for loc, code in file_format.codes(document):
        if code in first:
            where = file_format.path(first[code], QuestionnaireFile)
            yield (*loc, "code"), f"« {code} » est déjà utilisé ({where})"
        else:
            first[code] = loc


def _parts(document: QuestionnaireFile) -> Iterator[tuple[Loc, list]]:
    """Each part's questions, where they are (a part is where a follow-up finds its question)."""
    skills = document.skills.areas if document.skills else []
    parts = [
        (("profile",), document.profile),
        *((("dimensions", i), d) for i, d in enumerate(document.dimensions or [])),
        (("difficulties",), document.difficulties),
        *((("skills", "areas", i), a) for i, a in enumerate(skills)),
    ]
    return (((*loc, "questions"), part.questions) for loc, part in parts if part)


def _follow_ups(document: QuestionnaireFile) -> Iterator[Problem]:
    """A follow-up question comes after the question and the choices that bring it up."""
    for loc, questions in _parts(document):
        earlier: dict[str, set[str] | None] = {}  # code -> its choices (None: one is malformed)
        readable = True  # every earlier question is well formed
        for i, question in enumerate(questions):
            if question is None:
                readable = False
                continue
            if question.show_if is not None:
                for key, message in _follow_up(question.show_if, earlier, readable=readable):
                    yield (*loc, i, "show_if", key), message
            choices = question.choices
            earlier[question.code] = None if None in choices else {c.code for c in choices}


def _follow_up(
    show_if: ShowIf, earlier: dict[str, set[str] | None], *, readable: bool
) -> Iterator[tuple[str, str]]:
    target = show_if.question
    if target in earlier:
        for code in show_if.choices:
            if earlier[target] is not None and code not in earlier[target]:
                yield "choices", f"« {code} » n'est pas un choix de « {target} »"
    elif readable:  # else it may be the malformed question, whose own error is reported
        yield "question", f"« {target} » n'est pas une question précédente de la même partie"


def _marked(questions: list[Question | None]) -> int:
    return sum(1 for q in questions if q and q.discovery)


def _discovery_coverage(document: QuestionnaireFile) -> Iterator[Problem]:
    """Once some questions are marked, every dimension has one: each gets its indicative level."""
    dimensions = document.dimensions or []
    profile = document.profile.questions if document.profile else []
    marked = sum(
        _marked(questions) for questions in [profile, *(d.questions for d in dimensions if d)]
    )
    if not marked:
        return
    for i, dimension in enumerate(dimensions):
        # A malformed question may be the marked one: its own error is reported instead.
        if dimension and None not in dimension.questions and not _marked(dimension.questions):
            yield (
                ("dimensions", i, "questions"),
                "au moins une question marquée discovery dans chaque dimension",
            )
    if marked > MAX_DISCOVERY_QUESTIONS:
        yield (
            ("discovery",),
            f"{marked} questions marquées : {MAX_DISCOVERY_QUESTIONS} au plus, pour répondre en "
            "moins de 5 minutes",
        )


def _record_follow_ups(document: QuestionnaireFile) -> Iterator[Problem]:
    """A question the record answers is never asked in a diagnostic: a question shown after
    one of its answers would never be shown, unless the record answers it too."""
    questions = (document.profile.questions if document.profile else None) or []
    linked = {q.code for q in questions if q and q.organisation_field}
    for i, question in enumerate(questions):
        target = question.show_if.question if question and question.show_if else None
        if target in linked and not question.organisation_field:
            yield (
                ("profile", "questions", i, "show_if", "question"),
                f"« {target} » vient de la fiche de l'organisation et n'est pas posée : une "
                "question qui en dépend doit en venir aussi",
            )


def clean(data: Any) -> tuple[dict, list[str]]:
    """Validate a loaded questionnaire file: (normalised data, every error with its location).

    The normalised form fills in every optional key; export produces the same form."""
    document, errors = file_format.check(QuestionnaireFile, data)
    readable = document or file_format.partial(QuestionnaireFile, data)
    if readable is not None:
        for check in (_codes_used_twice, _follow_ups, _discovery_coverage, _record_follow_ups):
            errors += [file_format.at(loc, QuestionnaireFile, m) for loc, m in check(readable)]
    return (document.model_dump() if document else {}), safe_yaml.bound_errors(errors)


def schema(url: str) -> dict:
    """The published JSON Schema, whose address is `url`."""
    return file_format.json_schema(
        QuestionnaireFile,
        url=url,
        title="Questionnaire d'autodiagnostic de maturité numérique",
        description=(
            "Une version du questionnaire dans un fichier YAML (ou JSON) : niveaux, profil, "
            "dimensions notées, difficultés ressenties, compétences et inventaire. Les règles "
            "qu'un schéma JSON ne peut pas dire (codes uniques, choix d'une question notée, "
            "questions de suivi) sont vérifiées à l'import. "
            f"Version du format : {FORMAT} {VERSION}."
        ),
        version=VERSION,
    )


def header(url: str) -> str:
    """The comment at the top of an exported file: its format and where its schema is (read by
    editors through the yaml-language-server convention)."""
    return f"# yaml-language-server: $schema={url}\n# Format {FORMAT} {VERSION} : {url}\n"
