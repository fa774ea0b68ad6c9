"""The roadmap: generation from a diagnostic (merging with the organisation's edits), editing,
ordering, links to tools and ambassadors, and the PDF's content."""

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Membership, Organisation, User
from identity import services as identity
from maturity import hooks, roadmap_rules, scoring, typology
from maturity.models import Answer, Diagnostic, Roadmap, RoadmapAction, RoadmapRules, Section
from maturity.structure import Structure, structure_for


class RoadmapError(Exception):
    """A rule about the roadmap was broken; the message is for the user."""


def active_rules() -> RoadmapRules | None:
    return RoadmapRules.objects.filter(is_active=True).first()


def priority_limit() -> int:
    return settings.ROADMAP_PRIORITY_ACTIONS


_CATALOGUES: dict[tuple[int, str], roadmap_rules.Catalogue] = {}


def catalogue_for(structure: Structure) -> roadmap_rules.Catalogue:
    """The engine's view of a questionnaire version (kept in-process, like its structure)."""
    key = (structure.questionnaire_id, structure.version)
    catalogue = _CATALOGUES.get(key)
    if catalogue is None:
        scored = {s.code for s in structure.dimensions}
        questions = {
            q.code: roadmap_rules.QuestionInfo(
                text=q.text,
                multiple=q.is_multiple,
                choices={c.code: (c.label, c.score) for c in q.choices},
            )
            for s in structure.sections
            if s.kind != Section.Kind.SKILLS
            for q in s.questions
        }
        catalogue = _CATALOGUES[key] = roadmap_rules.Catalogue(
            titles={
                s.code: s.title
                for s in structure.sections
                if s.kind in (Section.Kind.DIMENSION, Section.Kind.SKILLS)
            },
            weights={s.code: s.weight for s in structure.sections if s.code in scored},
            questions=questions,
        )
    return catalogue


def tallies(
    structure: Structure, respondents: list[Mapping[int, scoring.AnswerValue]]
) -> dict[str, roadmap_rules.Tally]:
    """Each question's answers that count, by question code (pure: answers in, tallies out).

    Left out: questions a person did not see (follow-ups of another answer), "Je ne sais pas",
    "non concerné" (a choice without a score in a scored part), personal skills answers."""
    kinds = (Section.Kind.PROFILE, Section.Kind.DIMENSION, Section.Kind.DIFFICULTIES)
    specs = [spec for kind in kinds for spec in structure.specs_for(kind)]
    by_id = {spec.id: spec for spec in specs}
    scored_parts = {s.code for s in structure.dimensions}
    out = {}
    for spec in specs:
        question = structure.questions[spec.id]
        has_scores = any(c.score is not None for c in question.choices)
        ignored = {
            c.id for c in question.choices if c.score is None and spec.dimension in scored_parts
        }
        code_of = {c.id: c.code for c in question.choices if c.id not in ignored}
        picks, scores = [], []
        for answers in respondents:
            answer = answers.get(spec.id)
            if answer is None or answer.unknown or not scoring.is_shown(spec, by_id, answers):
                continue
            pick = frozenset(code_of[i] for i in answer.choice_ids if i in code_of)
            if not pick:
                continue
            picks.append(pick)
            if has_scores and (score := scoring.question_score(spec, answer)) is not None:
                scores.append(score)
        if picks:
            mean = math.fsum(scores) / len(scores) if scores else None
            out[question.code] = roadmap_rules.Tally(tuple(picks), mean)
    return out


def profile_answers(answers: Mapping[str, roadmap_rules.Tally]) -> dict[str, str]:
    """The organisation's answer to each profile question the typology reads: the most given
    one (the first in the questionnaire's order on a tie)."""
    out = {}
    for code in typology.PROFILE_QUESTIONS:
        tally = answers.get(code)
        if tally is None:
            continue
        counts: dict[str, int] = {}
        for pick in tally.picks:
            for choice in sorted(pick):
                counts[choice] = counts.get(choice, 0) + 1
        out[code] = max(counts, key=lambda c: counts[c])
    return out


# The record's fields the typology reads (what Roadmap.profile keeps of them).
RECORD_FIELDS = ("legal_form", "staff_band", "volunteers_band", "integration_band")


def typology_of(organisation: Organisation, profile: Mapping[str, str]) -> typology.Typology:
    """The organisation's record as the diagnostic kept it (the `profile`'s record fields,
    maturity.profile.snapshot), then the profile answers of older versions; a roadmap made
    before the record was kept reads the record as it is now."""
    record = {field: profile.get(field, getattr(organisation, field)) for field in RECORD_FIELDS}
    return typology.classify(**record, profile=profile)


def profile_legal_form(roadmap: Roadmap) -> str:
    """The legal form the roadmap was made for (funding leads are filtered on it)."""
    return (roadmap.profile or {}).get("legal_form", roadmap.organisation.legal_form)


def _respondents(diagnostic: Diagnostic) -> list[dict[int, scoring.AnswerValue]]:
    by_respondent: dict[int, dict[int, scoring.AnswerValue]] = {}
    for respondent_id, question_id, choice_ids, unknown in Answer.objects.filter(
        respondent__diagnostic=diagnostic
    ).values_list("respondent_id", "question_id", "choice_ids", "unknown"):
        by_respondent.setdefault(respondent_id, {})[question_id] = scoring.AnswerValue(
            frozenset(choice_ids), unknown
        )
    return list(by_respondent.values())


def _template_fields(template: dict) -> dict:
    return {
        "title": template["title"],
        "explanation": template["explanation"],
        "steps": template["steps"],
        "dimension": template["dimension"],
        "priority": template["priority"],
        "horizon": template["horizon"],
        "effort": template["effort"],
        "cost": template["cost"],
    }


# What generation may change on an action already in the roadmap.
_MERGED_FIELDS = [
    "reasons",
    "obsolete",
    "is_new",
    "later",
    "title",
    "explanation",
    "steps",
    "dimension",
    "priority",
    "horizon",
    "effort",
    "cost",
    "needs",
    "funding",
    "training",
]


def _links(template: dict) -> dict:
    """What an action links to: never edited by the organisation, so always the rule's."""
    return {
        "needs": template.get("needs", []),
        "funding": template["funding"],
        "training": template["training"],
    }


def generate(diagnostic: Diagnostic) -> Roadmap | None:
    """Propose actions from a completed diagnostic, merging with the existing roadmap.

    Actions the organisation accepted, declined, edited or completed keep their state and
    notes; new ones are added (flagged) after them; those no longer triggered are marked
    obsolete, never deleted. Each generation ranks the proposals again: at most
    ROADMAP_PRIORITY_ACTIONS are "à faire en premier", the others "pour plus tard"
    (roadmap_rules explains the ranking); those the organisation took on are ranked first.
    """
    # Atomic as a block, not a decorator: mutation testing cannot reach a decorated body.
    with transaction.atomic():
        rules = active_rules()
        if rules is None or not diagnostic.is_completed:
            return None
        structure = structure_for(diagnostic.questionnaire)
        answers = tallies(structure, _respondents(diagnostic))
        organisation = diagnostic.organisation
        # The record as it was at completion (kept with the results), over older versions'
        # profile answers: what the roadmap is made for, kept with it for its pages.
        kept = diagnostic.snapshot.data.get("profile") or {}
        profile = {
            **profile_answers(answers),
            **{field: kept[field] for field in RECORD_FIELDS if field in kept},
        }
        facts = roadmap_rules.facts_from_results(
            diagnostic.snapshot.data,
            answers,
            typology=typology_of(organisation, profile),
            legal_form=profile.get("legal_form", organisation.legal_form),
        )
        templates = {a["code"]: a for a in rules.data["actions"]}

        roadmap, _created = Roadmap.objects.get_or_create(organisation=organisation)
        roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
        existing = {
            a.template_code: a for a in roadmap.actions.filter(source=RoadmapAction.Source.RULE)
        }
        committed = {
            code
            for code, a in existing.items()
            if a.status == RoadmapAction.Status.DOING
            or (
                a.decision == RoadmapAction.Decision.ACCEPTED
                and a.status != RoadmapAction.Status.DONE
            )
        }
        proposals = roadmap_rules.propose(
            rules.data,
            facts,
            catalogue=catalogue_for(structure),
            limit=priority_limit(),
            committed=committed,
        )
        had_actions = roadmap.actions.exists()
        next_position = (roadmap.actions.aggregate(m=Max("position"))["m"] or 0) + 1
        proposed_codes = set()
        created: list[RoadmapAction] = []
        changed: dict[int, RoadmapAction] = {}
        for index, proposal in enumerate(proposals):
            proposed_codes.add(proposal.code)
            template = templates[proposal.code]
            action = existing.get(proposal.code)
            if action is None:
                created.append(
                    RoadmapAction(
                        roadmap=roadmap,
                        template_code=proposal.code,
                        reasons=proposal.reasons,
                        position=next_position + index if had_actions else index,
                        is_new=had_actions,
                        later=proposal.later,
                        **_template_fields(template),
                        **_links(template),
                    )
                )
                continue
            values = {
                "reasons": proposal.reasons,
                "obsolete": False,
                "is_new": False,
                "later": proposal.later,
                **({} if action.edited else _template_fields(template)),
                **_links(template),
            }
            if any(getattr(action, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(action, name, value)
                changed[action.pk] = action
        for code, action in existing.items():
            if (
                code not in proposed_codes
                and action.status != RoadmapAction.Status.DONE
                and not action.obsolete
            ):
                action.obsolete = True
                changed[action.pk] = action
        # In bulk, history included: a roadmap of some sixty actions is written in a few queries
        # rather than two per action; an unchanged action is not written at all.
        now = timezone.now()
        for action in created:
            action.created_at = action.updated_at = now
        bulk_create_with_history(created, RoadmapAction)
        for action in changed.values():
            action.updated_at = now
        if changed:
            bulk_update_with_history(
                list(changed.values()),
                RoadmapAction,
                fields=[*_MERGED_FIELDS, "updated_at"],
            )
        roadmap.diagnostic = diagnostic
        roadmap.rules_version = rules.version
        roadmap.profile = profile
        roadmap.generated_at = timezone.now()
        roadmap.save()
        return roadmap


# --- Editing ------------------------------------------------------------------------------------


def decide(action: RoadmapAction, *, accept: bool, reason: str = "") -> RoadmapAction:
    action.decision = RoadmapAction.Decision.ACCEPTED if accept else RoadmapAction.Decision.DECLINED
    action.decline_reason = "" if accept else reason.strip()[:300]
    action.is_new = False
    action.save()
    return action


def update(
    action: RoadmapAction, *, owner: User | None, due_date: date | None, status: str, notes: str
) -> RoadmapAction:
    if (
        owner is not None
        and not Membership.objects.filter(
            user=owner, organisation=action.roadmap.organisation_id, is_active=True
        ).exists()
    ):
        raise RoadmapError(_("La personne responsable doit être membre de l'organisation."))
    if status not in RoadmapAction.Status.values:
        raise RoadmapError(_("Cet avancement n'existe pas."))
    if action.decision == RoadmapAction.Decision.PROPOSED:
        # Working on an action is accepting it.
        action.decision = RoadmapAction.Decision.ACCEPTED
    if status == RoadmapAction.Status.DONE and action.status != status:
        action.completed_at = timezone.now()
    elif status != RoadmapAction.Status.DONE:
        action.completed_at = None
    action.owner, action.due_date, action.status, action.notes = owner, due_date, status, notes
    action.is_new = False
    action.save()
    return action


def move(action: RoadmapAction, *, direction: str, expected_rank: int) -> None:
    """Swap with the neighbour above or below. A stale page (the order changed since it was
    shown) is refused rather than moving the wrong action."""
    with transaction.atomic():  # a block for mutation testing, as in generate
        actions = list(
            RoadmapAction.objects.select_for_update()
            .filter(roadmap_id=action.roadmap_id, obsolete=False)
            .order_by("position", "pk")
        )
        ids = [a.pk for a in actions]
        if action.pk not in ids:
            raise RoadmapError(_("Cette action ne peut plus être déplacée."))
        rank = ids.index(action.pk)
        if rank != expected_rank:
            raise RoadmapError(
                _("L'ordre a changé entre-temps : voici la feuille de route à jour, recommencez.")
            )
        other = rank - 1 if direction == "up" else rank + 1
        if not 0 <= other < len(actions):
            return
        actions[rank], actions[other] = actions[other], actions[rank]
        for position, item in enumerate(actions):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])


def custom_action_limit() -> int:
    return settings.ROADMAP_MAX_CUSTOM_ACTIONS


def custom_limit_message(limit: int) -> str:
    return ngettext(
        "Votre feuille de route compte déjà %(n)s action ajoutée par l'organisation, le maximum : "
        "complétez-la plutôt que d'en ajouter une autre.",
        "Votre feuille de route compte déjà %(n)s actions ajoutées par l'organisation, le maximum : "
        "complétez celles-ci plutôt que d'en ajouter d'autres.",
        limit,
    ) % {"n": limit}


def add_custom(
    roadmap: Roadmap, *, title: str, dimension: str, horizon: str, notes: str
) -> RoadmapAction:
    # The roadmap row is locked so that two additions at once cannot both take the last place.
    with transaction.atomic():  # a block for mutation testing, as in generate
        Roadmap.objects.select_for_update().get(pk=roadmap.pk)
        limit = custom_action_limit()
        if roadmap.actions.filter(source=RoadmapAction.Source.CUSTOM).count() >= limit:
            raise RoadmapError(custom_limit_message(limit))
        position = (roadmap.actions.aggregate(m=Max("position"))["m"] or 0) + 1
        return RoadmapAction.objects.create(
            roadmap=roadmap,
            source=RoadmapAction.Source.CUSTOM,
            title=title,
            dimension=dimension,
            horizon=horizon,
            notes=notes,
            decision=RoadmapAction.Decision.ACCEPTED,
            position=position,
        )


# --- Reading ------------------------------------------------------------------------------------


@dataclass
class RoadmapView:
    up_front: list[RoadmapAction]  # "à faire en premier"
    later: list[RoadmapAction]  # "pour plus tard": proposed, not (yet) among the priorities
    declined: list[RoadmapAction]
    obsolete: list[RoadmapAction]
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def is_priority(action: RoadmapAction) -> bool:
    """Among the priorities: ranked so, added by the organisation or an adviser, or taken on by
    the organisation (accepted, under way or done): what it chose is never put aside."""
    return (
        not action.later
        or action.source != RoadmapAction.Source.RULE
        or action.decision == RoadmapAction.Decision.ACCEPTED
        or action.status != RoadmapAction.Status.TODO
    )


def arrange(actions: list[RoadmapAction]) -> RoadmapView:
    live = [a for a in actions if not a.obsolete and a.decision != RoadmapAction.Decision.DECLINED]
    up_front = [a for a in live if is_priority(a)]
    return RoadmapView(
        up_front=up_front,
        later=[a for a in live if not is_priority(a)],
        declined=[
            a for a in actions if a.decision == RoadmapAction.Decision.DECLINED and not a.obsolete
        ],
        obsolete=[a for a in actions if a.obsolete],
        done=sum(1 for a in up_front if a.status == RoadmapAction.Status.DONE),
        total=len(up_front),
    )


@dataclass(frozen=True)
class RulesLookup:
    """What pages need of the active rules, by code: funding leads and training resources."""

    funding: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    # Action code → what it saves (maturity.footprint.SCENARIOS), for the actions that say.
    savings: dict = field(default_factory=dict)

    def __iter__(self):  # funding, training = lookup
        return iter((self.funding, self.training))


def rules_lookup(rules: RoadmapRules | None) -> RulesLookup:
    if rules is None:
        return RulesLookup()
    return RulesLookup(
        funding={f["code"]: f for f in rules.data.get("funding_leads", [])},
        training={t["code"]: t for t in rules.data.get("training_resources", [])},
        savings={
            a["code"]: a["savings"] for a in rules.data.get("actions", []) if a.get("savings")
        },
    )


_LOOKUP_CACHE: dict[tuple, RulesLookup] = {}


def active_rules_lookup() -> RulesLookup:
    """Funding leads and training resources of the active rules, by code.

    A version of the rules is written once (load_roadmap_rules never rewrites one), so its
    lookup is kept in-process: a page then reads which version is active, not the 100 kB of
    rules each time."""
    current = (
        RoadmapRules.objects.filter(is_active=True)
        .values_list("pk", "version", "created_at")
        .first()
    )
    if current is None:
        return RulesLookup()
    lookup = _LOOKUP_CACHE.get(current)
    if lookup is None:
        lookup = rules_lookup(RoadmapRules.objects.get(pk=current[0]))
        _LOOKUP_CACHE.clear()  # only the active version is ever asked for
        _LOOKUP_CACHE[current] = lookup
    return lookup


def clear_caches() -> None:
    """Forget the catalogues and lookups kept in-process (tests: a rolled-back test's primary
    keys come back in the next one, with other contents)."""
    _CATALOGUES.clear()
    _LOOKUP_CACHE.clear()


# --- Funding leads and training resources, as far as the organisation is eligible -------------


@dataclass(frozen=True)
class LocalHelp:
    label: str
    url: str
    contacts: tuple[hooks.LocalContact, ...] = ()


@dataclass(frozen=True)
class Lead:
    """A funding lead or a training resource, with where to find help near the organisation."""

    code: str
    title: str
    description: str
    cost: str
    url: str
    local_help: tuple[LocalHelp, ...]


def organisation_typology(roadmap: Roadmap) -> typology.Typology:
    return typology_of(roadmap.organisation, roadmap.profile or {})


def eligible(entry: dict, kind: typology.Typology, legal_form: str) -> bool:
    return typology.matches(entry.get("eligibility") or None, kind, legal_form=legal_form)


class Leads:
    """The leads and resources one page shows, filtered by eligibility, built once per page.

    Local contacts (the DLA advisers covering the organisation's département) are asked for
    once, and only when a lead shown needs them."""

    def __init__(self, roadmap: Roadmap, *, contacts: bool = True):
        self.organisation = roadmap.organisation
        self.typology = organisation_typology(roadmap)
        self.legal_form = profile_legal_form(roadmap)
        self.lookup = active_rules_lookup()
        # Pages that show only the leads' titles need no contacts (nor their query).
        self._contacts: tuple[hooks.LocalContact, ...] | None = None if contacts else ()

    def _dla_contacts(self) -> tuple[hooks.LocalContact, ...]:
        if self._contacts is None:
            self._contacts = tuple(hooks.local_dla_contacts(self.organisation.departement))
        return self._contacts

    def _lead(self, entry: dict) -> Lead:
        helps = []
        for code in entry.get("local_help", []):
            label, url = roadmap_rules.LOCAL_HELP[code]
            contacts = self._dla_contacts() if code == "dla" else ()
            helps.append(LocalHelp(_(label), url, contacts))
        return Lead(
            code=entry["code"],
            title=entry["title"],
            description=entry.get("description", ""),
            cost=entry.get("cost", ""),
            url=entry.get("url", ""),
            local_help=tuple(helps),
        )

    def _pick(self, codes: list[str], table: dict) -> list[Lead]:
        legal_form = self.legal_form
        return [
            self._lead(table[code])
            for code in codes
            if code in table and eligible(table[code], self.typology, legal_form)
        ]

    def funding(self, action: RoadmapAction) -> list[Lead]:
        return self._pick(action.funding, self.lookup.funding)

    def training(self, action: RoadmapAction) -> list[Lead]:
        return self._pick(action.training, self.lookup.training)

    def by_action(self, actions: list[RoadmapAction]) -> dict[int, dict[str, list[Lead]]]:
        return {a.pk: {"funding": self.funding(a), "training": self.training(a)} for a in actions}

    def all_of(self, actions: list[RoadmapAction]) -> dict[str, list[Lead]]:
        """Every lead and resource these actions name, each once (the PDF's appendix)."""
        funding: dict[str, Lead] = {}
        training: dict[str, Lead] = {}
        for action in actions:
            funding.update((lead.code, lead) for lead in self.funding(action))
            training.update((lead.code, lead) for lead in self.training(action))
        return {"funding": list(funding.values()), "training": list(training.values())}


def gains_since_previous(organisation: Organisation) -> dict[str, float]:
    """Change per dimension between the last two completed diagnostics (T0 → T1)."""
    snapshots = list(
        Diagnostic.objects.filter(organisation=organisation, status=Diagnostic.Status.COMPLETED)
        .order_by("-completed_at")
        .select_related("snapshot")[:2]
    )
    if len(snapshots) < 2:
        return {}
    now = {d["code"]: d["score"] for d in snapshots[0].snapshot.data["dimensions"]}
    before = {d["code"]: d["score"] for d in snapshots[1].snapshot.data["dimensions"]}
    return {
        code: round(now[code] - before[code], 1)
        for code in now
        if now[code] is not None and before.get(code) is not None
    }


@dataclass(frozen=True)
class NeedTools:
    need: str  # code
    label: str
    tools: list


def tools_by_action(
    actions: list[RoadmapAction], proprietary_in_use: list[str], per_need: int = 2
) -> dict[int, list[NeedTools]]:
    """For each action, each of its needs with the published tools serving it (libre first,
    then those with a hosting offer, then those replacing a proprietary tool in use), asked
    from the toolbox once for every action (maturity.hooks: none without the toolbox)."""
    needs = list(dict.fromkeys(n for a in actions for n in a.needs))
    if not needs:
        return {}
    by_need = hooks.tools_for_needs(needs, replaces=proprietary_in_use, per_need=per_need)
    labels = hooks.need_labels()
    out = {}
    for action in actions:
        entries = [
            NeedTools(need, labels.get(need, need), by_need[need])
            for need in action.needs
            if by_need.get(need)
        ]
        if entries:
            out[action.pk] = entries
    return out


def ambassadors_by_action(
    organisation: Organisation, actions: list[RoadmapAction]
) -> dict[int, list]:
    """Ambassadors near the organisation with expertise on each action's dimension, for the few
    actions shown up front: one query for all their dimensions, asked from the community app
    (maturity.hooks: none without it)."""
    near = hooks.ambassadors_near_each(organisation, [a.dimension for a in actions if a.dimension])
    return {a.pk: near.get(a.dimension, []) for a in actions}


# Bumped when the PDF's layout or sections change, so that a roadmap unchanged since an older
# layout gets the new document instead of its old file. 3: French typography (no-break spaces).
PDF_LAYOUT = 3


def content_hash(roadmap: Roadmap, actions: list[RoadmapAction]) -> str:
    """What the PDF shows, hashed: asking again for an unchanged roadmap reuses the file."""
    shown = arrange(actions).up_front
    payload = {
        "layout": PDF_LAYOUT,
        "organisation": roadmap.organisation.name,
        "diagnostic": roadmap.diagnostic_id,
        "rules": roadmap.rules_version,
        "actions": [
            [
                a.pk, a.title, a.explanation, a.steps, a.decision, a.status, a.position, a.horizon,
                a.owner_id, str(a.due_date), a.notes, a.reasons, a.obsolete, a.later, a.needs,
            ]
            for a in actions
        ],
        # Eligibility and local contacts change what the leads pages say.
        "leads": [
            [lead.code, [(h.label, [c.name for c in h.contacts]) for h in lead.local_help]]
            for kind in Leads(roadmap).all_of(shown).values()
            for lead in kind
        ],
        "adviser_notes": hooks.adviser_notes_digest(roadmap),
        # The cover carries the instance's name, logo and colours.
        "identity": identity.current().version,
    }  # fmt: skip
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
