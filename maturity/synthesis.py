"""The written synthesis of a diagnostic's results, in words for people who are not specialists.

The results page, the roadmap PDF and the printable results document all open with it; it is
built by one plain function from the stored results (ResultSnapshot.data) and the version's
levels, so the three never disagree. No ORM, no request. Internal codes (dimensions, levels,
difficulty types) never reach the text: labels only.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from maturity.results import MIN_SKILLS_RESPONDENTS, TRAINING_NEED_BELOW
from maturity.scoring import display_score

TOP = 3  # strengths, priorities, obstacles, redundancies: a synthesis names a few

DIFFICULTY_LABELS = {
    "techniques": gettext_noop("Les difficultés techniques"),
    "financieres": gettext_noop("Les difficultés financières"),
    "humaines": gettext_noop("Les difficultés humaines"),
    "strategiques": gettext_noop("Les difficultés stratégiques"),
}
# A felt difficulty is a mean over the answers to a 5-step scale (0, 25, 50, 75, 100): each
# bound sits halfway between two steps, so a mean reads as the nearest answer.
INTENSITY_WORDS = (
    (12.5, gettext_noop("ne sont pas un frein")),
    (37.5, gettext_noop("sont un frein léger")),
    (62.5, gettext_noop("sont un frein moyen")),
    (87.5, gettext_noop("sont un frein important")),
    (math.inf, gettext_noop("sont un frein majeur")),
)


@dataclass(frozen=True)
class DimensionView:
    title: str
    score: float | None
    level: str  # the level's label ("En progrès"), "" without a score
    stage: str  # its stage ("Appropriation"), "" without a score


@dataclass(frozen=True)
class LevelGroup:
    """The dimensions that reached one level, under the level's description."""

    heading: str
    description: str
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class Synthesis:
    overall: str
    overall_description: str
    basis: str  # how many people answered
    dimensions: tuple[DimensionView, ...]  # questionnaire order, for tables
    levels: tuple[LevelGroup, ...]  # first stage first, then the dimensions without a score
    strengths: tuple[str, ...]
    priorities: tuple[str, ...]
    difficulties: tuple[str, ...]
    difficulties_note: str
    obstacles: tuple[str, ...]
    inventory: tuple[str, ...]
    skills: tuple[str, ...]
    skills_note: str
    # For links only (the toolbox filtered on it), never shown: the weakest dimension.
    weakest_code: str
    weakest_title: str


def _points(value: float) -> str:
    # As the tables and charts show scores (one rounding everywhere), so the text agrees.
    return str(display_score(value))


def _score(value: float) -> str:
    return _("%(score)s sur 100") % {"score": _points(value)}


def _by_score(levels: Sequence[Mapping]) -> list[Mapping]:
    return sorted(levels, key=lambda level: level.get("min_score", 0))


def _dimension_views(data: Mapping, level_texts: Mapping[str, Mapping]) -> list[DimensionView]:
    views = []
    for dimension in data.get("dimensions", []):
        level = level_texts.get(dimension.get("level") or "") or {}
        views.append(
            DimensionView(
                title=dimension["title"],
                score=dimension.get("score"),
                level=level.get("label", "") if dimension.get("score") is not None else "",
                stage=level.get("stage", "") if dimension.get("score") is not None else "",
            )
        )
    return views


def _quoted(text: str) -> str:
    # French quotation marks hold to their words: no line break inside « ».
    return f"«\u00a0{text}\u00a0»"


def _level_words(view: DimensionView) -> str:
    if not view.level:
        return _score(view.score)
    return _("%(score)s, niveau %(level)s") % {
        "score": _score(view.score),
        "level": _quoted(view.level),
    }


def _next_level(score: float, ordered: Sequence[Mapping]) -> str:
    """How far the next level is, in points ("" at the top level)."""
    above = [level for level in ordered if level.get("min_score", 0) > score]
    if not above:
        return ""
    target = above[0]
    # Rounded up: the points named must be enough, never a hair short.
    missing = max(1, math.ceil(target["min_score"] - score))
    return ngettext(
        "encore %(n)s point pour atteindre %(level)s",
        "encore %(n)s points pour atteindre %(level)s",
        missing,
    ) % {"n": missing, "level": _quoted(target["label"])}


def _overall(data: Mapping, level_texts: Mapping, ordered: Sequence[Mapping]) -> tuple[str, str]:
    overall = data.get("overall") or {}
    score = overall.get("score")
    if score is None:
        return _("Pas assez de réponses pour calculer un niveau global."), ""
    level = level_texts.get(overall.get("level") or "")
    if not level:
        return _("Score global : %(score)s.") % {"score": _score(score)}, ""
    path = " → ".join(lv["stage"].lower() for lv in ordered if lv.get("stage"))
    if level.get("stage") and path:
        text = _(
            "Score global : %(score)s. Votre organisation est au niveau %(level)s, "
            "à l’étape %(stage)s du chemin %(path)s."
        ) % {
            "score": _score(score),
            "level": _quoted(level["label"]),
            "stage": _quoted(level["stage"]),
            "path": path,
        }
    else:
        text = _("Score global : %(score)s. Votre organisation est au niveau %(level)s.") % {
            "score": _score(score),
            "level": _quoted(level["label"]),
        }
    return text, level.get("description", "")


def _level_groups(
    views: Sequence[DimensionView], ordered: Sequence[Mapping], overall_level: str
) -> list[LevelGroup]:
    groups = []
    for level in ordered:
        members = [v for v in views if v.score is not None and v.level == level["label"]]
        if not members:
            continue
        heading = (
            _("Niveau %(level)s, étape %(stage)s")
            % {"level": _quoted(level["label"]), "stage": _quoted(level["stage"])}
            if level.get("stage")
            else _("Niveau %(level)s") % {"level": _quoted(level["label"])}
        )
        groups.append(
            LevelGroup(
                heading=heading,
                # The overall level's description was just read above: not twice.
                description=""
                if level.get("code") == overall_level
                else level.get("description", ""),
                dimensions=tuple(
                    _("%(title)s : %(score)s") % {"title": v.title, "score": _score(v.score)}
                    for v in members
                ),
            )
        )
    unscored = [v.title for v in views if v.score is None]
    if unscored:
        groups.append(
            LevelGroup(
                heading=_("Pas assez de réponses pour situer"),
                description=_(
                    "Les questions de ces dimensions n’ont reçu que des « Je ne sais pas » ou "
                    "aucune réponse : à revoir ensemble au prochain diagnostic."
                ),
                dimensions=tuple(unscored),
            )
        )
    return groups


def _difficulties(data: Mapping) -> tuple[list[str], str, list[str]]:
    difficulties = data.get("difficulties") or {}
    rated = [t for t in difficulties.get("types", []) if t.get("score") is not None]
    felt, not_felt = [], []
    for item in sorted(rated, key=lambda t: -t["score"]):
        label = DIFFICULTY_LABELS.get(item.get("type", ""))
        if label is None:
            continue  # a type this version does not name in words: its question is in the detail
        words = next(w for bound, w in INTENSITY_WORDS if item["score"] < bound)
        if item["score"] < INTENSITY_WORDS[0][0]:
            not_felt.append(_(label))
        else:
            felt.append(
                _("%(type)s %(words)s (%(score)s).")
                % {"type": _(label), "words": _(words), "score": _score(item["score"])}
            )
    if not rated:
        note = _("Les difficultés n’ont pas été renseignées.")
    elif not felt:
        note = _("Aucune difficulté n’est ressentie comme un frein.")
    elif not_felt:
        note = ngettext(
            "Pas ressentie comme un frein : %(types)s.",
            "Pas ressenties comme un frein : %(types)s.",
            len(not_felt),
        ) % {"types": ", ".join(t[0].lower() + t[1:] for t in not_felt)}
    else:
        note = ""
    obstacles = [o["label"] for o in difficulties.get("obstacles", [])[:TOP]]
    return felt, note, obstacles


def _inventory(data: Mapping) -> list[str]:
    inv = data.get("inventory") or {}
    tools = inv.get("tools_count", 0)
    devices = inv.get("devices", 0)
    paper = [item.get("label", "") for item in inv.get("without_tool", [])]
    if not tools and not devices and not paper:
        return [
            _(
                "L’inventaire des outils et de l’équipement n’a pas été rempli : le faire au "
                "prochain diagnostic aide à repérer les doublons et les dépendances."
            )
        ]
    lines = []
    if tools:
        declared = ngettext("%(n)s outil déclaré", "%(n)s outils déclarés", tools) % {"n": tools}
        usages = inv.get("usages_covered", 0)
        lines.append(
            ngettext("%(tools)s pour %(n)s usage.", "%(tools)s pour %(n)s usages.", usages)
            % {"tools": declared, "n": usages}
        )
    if paper:
        lines.append(
            _(
                "Sans outil numérique, sur papier ou de vive voix : %(usages)s. C’est un point "
                "de départ : un outil simple peut y faire gagner du temps, si l’équipe en "
                "ressent le besoin."
            )
            % {"usages": ", ".join(label[0].lower() + label[1:] for label in paper)}
        )
    for item in inv.get("redundancy", [])[:TOP]:
        names = item.get("tools", [])
        lines.append(
            ngettext(
                "%(usage)s : %(n)s outil pour le même usage (%(names)s) ; n’en garder qu’un "
                "simplifie le travail de l’équipe et le suivi des données.",
                "%(usage)s : %(n)s outils pour le même usage (%(names)s) ; n’en garder qu’un "
                "simplifie le travail de l’équipe et le suivi des données.",
                len(names),
            )
            % {"usage": item.get("label", ""), "n": len(names), "names": ", ".join(names)}
        )
    proprietary = inv.get("proprietary_percent")
    if proprietary:
        lines.append(
            _(
                "%(p)s %% de vos outils sont propriétaires : vous dépendez de leurs éditeurs "
                "pour les prix, les conditions d’utilisation et l’accès à vos données."
            )
            % {"p": proprietary}
        )
    elif proprietary == 0:
        lines.append(_("Tous vos outils dont la licence est connue sont libres."))
    non_eu = inv.get("non_eu_percent")
    if non_eu:
        lines.append(
            _(
                "%(p)s %% de vos services en ligne sont hébergés hors de l’Union européenne : "
                "vos données peuvent y relever d’autres lois que le RGPD."
            )
            % {"p": non_eu}
        )
    elif non_eu == 0:
        lines.append(
            _("Tous vos services dont l’hébergement est connu sont dans l’Union européenne.")
        )
    for item in inv.get("ageing", []):
        lines.append(
            ngettext(
                "%(label)s : %(n)s appareil de %(age)s ans en moyenne, à remplacer bientôt "
                "(un appareil reconditionné coûte moins cher et pollue moins).",
                "%(label)s : %(n)s appareils de %(age)s ans en moyenne, à remplacer bientôt "
                "(un appareil reconditionné coûte moins cher et pollue moins).",
                item.get("count", 0),
            )
            % {
                "label": item.get("label", ""),
                "n": item.get("count", 0),
                "age": item["average_age"],
            }
        )
    if inv.get("reconditioned_percent") is not None:
        lines.append(
            _("%(p)s %% de votre équipement est reconditionné.")
            % {"p": inv["reconditioned_percent"]}
        )
    return lines


def _skills(data: Mapping) -> tuple[list[str], str]:
    skills = data.get("skills") or {}
    if not skills.get("shown"):
        return [], ngettext(
            "Les besoins de compétences ne sont montrés qu’à partir de %(min)s répondant·e, "
            "pour que personne ne soit identifiable.",
            "Les besoins de compétences ne sont montrés qu’à partir de %(min)s répondant·es, "
            "pour que personne ne soit identifiable.",
            MIN_SKILLS_RESPONDENTS,
        ) % {"min": MIN_SKILLS_RESPONDENTS}
    scored = [a for a in skills.get("areas", []) if a.get("score") is not None]
    if not scored:
        return [], _("Les compétences n’ont pas été renseignées.")
    needs = sorted((a for a in scored if a.get("need")), key=lambda a: a["score"])
    if not needs:
        return [], _(
            "Pas de besoin de formation marqué : l’auto-évaluation moyenne de l’équipe atteint "
            "au moins %(n)s sur 100 dans chaque domaine."
        ) % {"n": TRAINING_NEED_BELOW}
    return [
        _("%(title)s : %(score)s") % {"title": a["title"], "score": _score(a["score"])}
        for a in needs
    ], ngettext(
        "Le domaine où l’auto-évaluation moyenne de l’équipe est sous %(n)s sur 100, à "
        "renforcer par une formation :",
        "Les domaines où l’auto-évaluation moyenne de l’équipe est sous %(n)s sur 100, à "
        "renforcer par des formations (les plus faibles d’abord) :",
        len(needs),
    ) % {"n": TRAINING_NEED_BELOW}


def build(data: Mapping, levels: Sequence[Mapping]) -> Synthesis:
    """The synthesis of stored results `data` (results.compute) with the version's `levels`
    (Questionnaire.levels: code, label, stage, description, min_score)."""
    level_texts = {level["code"]: level for level in levels}
    ordered = _by_score(levels)
    views = _dimension_views(data, level_texts)
    by_code = {d["code"]: view for d, view in zip(data.get("dimensions", []), views, strict=True)}

    overall, description = _overall(data, level_texts, ordered)
    respondents = data.get("respondents", 0)
    basis = ngettext(
        "D’après les réponses de %(n)s personne.",
        "D’après les réponses de %(n)s personnes.",
        respondents,
    ) % {"n": respondents}

    strengths = [
        _("%(title)s : %(words)s.") % {"title": view.title, "words": _level_words(view)}
        for code in data.get("strengths", [])[:TOP]
        if (view := by_code.get(code)) and view.score is not None
    ]
    priorities = []
    for code in data.get("priorities", [])[:TOP]:
        view = by_code.get(code)
        if view is None or view.score is None:
            continue
        step = _next_level(view.score, ordered)
        text = _level_words(view)
        priorities.append(
            _("%(title)s : %(words)s ; %(step)s.")
            % {"title": view.title, "words": text, "step": step}
            if step
            else _("%(title)s : %(words)s.") % {"title": view.title, "words": text}
        )

    # The toolbox link points at the first priority, or else at the lowest score.
    weakest = next((c for c in data.get("priorities", []) if c in by_code), None)
    if weakest is None:
        scored = [(v.score, c) for c, v in by_code.items() if v.score is not None]
        weakest = min(scored)[1] if scored else ""

    felt, difficulties_note, obstacles = _difficulties(data)
    skills, skills_note = _skills(data)
    return Synthesis(
        overall=overall,
        overall_description=description,
        basis=basis,
        dimensions=tuple(views),
        levels=tuple(_level_groups(views, ordered, (data.get("overall") or {}).get("level") or "")),
        strengths=tuple(strengths),
        priorities=tuple(priorities),
        difficulties=tuple(felt),
        difficulties_note=difficulties_note,
        obstacles=tuple(obstacles),
        inventory=tuple(_inventory(data)),
        skills=tuple(skills),
        skills_note=skills_note,
        weakest_code=weakest,
        weakest_title=by_code[weakest].title if weakest else "",
    )
