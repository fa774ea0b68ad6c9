"""The roadmap: generation from a diagnostic (merging with the organisation's edits), editing,
ordering, links to tools and ambassadors, and the PDF's content."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, Organisation, User
from maturity import roadmap_rules
from maturity.models import Answer, Diagnostic, Roadmap, RoadmapAction, RoadmapRules, Section
from maturity.structure import structure_for

UP_FRONT = 6  # a readable number of priority actions; the rest is grouped by horizon below


class RoadmapError(Exception):
    """A rule about the roadmap was broken; the message is for the user."""


def active_rules() -> RoadmapRules | None:
    return RoadmapRules.objects.filter(is_active=True).first()


def _facts(diagnostic: Diagnostic):
    structure = structure_for(diagnostic.questionnaire)
    choice_code = {
        c.id: (q.code, c.code, c.label) for q in structure.questions.values() for c in q.choices
    }
    chosen: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for choice_ids in Answer.objects.filter(respondent__diagnostic=diagnostic).values_list(
        "choice_ids", flat=True
    ):
        for choice_id in choice_ids:
            if choice_id in choice_code:
                question, code, label = choice_code[choice_id]
                chosen.setdefault(question, set()).add(code)
                labels[code] = label
    titles = {
        s.code: s.title
        for s in structure.sections
        if s.kind in (Section.Kind.DIMENSION, Section.Kind.SKILLS)
    }
    facts = roadmap_rules.facts_from_results(
        diagnostic.snapshot.data, {k: frozenset(v) for k, v in chosen.items()}
    )
    return facts, titles, labels


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
        "toolbox_usages": template["toolbox_usages"],
        "funding": template["funding"],
        "training": template["training"],
    }


@transaction.atomic
def generate(diagnostic: Diagnostic) -> Roadmap | None:
    """Propose actions from a completed diagnostic, merging with the existing roadmap.

    Actions the organisation accepted, declined, edited or completed keep their state and
    notes; new ones are added (flagged) after them; those no longer triggered are marked
    obsolete, never deleted.
    """
    rules = active_rules()
    if rules is None or not diagnostic.is_completed:
        return None
    facts, titles, labels = _facts(diagnostic)
    proposals = roadmap_rules.propose(rules.data, facts, titles=titles, labels=labels)
    templates = {a["code"]: a for a in rules.data["actions"]}

    roadmap, _created = Roadmap.objects.get_or_create(organisation=diagnostic.organisation)
    roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    existing = {
        a.template_code: a for a in roadmap.actions.filter(source=RoadmapAction.Source.RULE)
    }
    had_actions = roadmap.actions.exists()
    next_position = (roadmap.actions.aggregate(m=Max("position"))["m"] or 0) + 1
    proposed_codes = set()
    for index, proposal in enumerate(proposals):
        proposed_codes.add(proposal.code)
        template = templates[proposal.code]
        action = existing.get(proposal.code)
        if action is not None:
            action.reasons = proposal.reasons
            action.obsolete = False
            action.is_new = False
            if not action.edited:
                for name, value in _template_fields(template).items():
                    setattr(action, name, value)
            action.save()
            continue
        RoadmapAction.objects.create(
            roadmap=roadmap,
            template_code=proposal.code,
            reasons=proposal.reasons,
            position=next_position + index if had_actions else index,
            is_new=had_actions,
            **_template_fields(template),
        )
    for code, action in existing.items():
        if (
            code not in proposed_codes
            and action.status != RoadmapAction.Status.DONE
            and not action.obsolete
        ):
            action.obsolete = True
            action.save(update_fields=["obsolete", "updated_at"])
    roadmap.diagnostic = diagnostic
    roadmap.rules_version = rules.version
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


@transaction.atomic
def move(action: RoadmapAction, *, direction: str, expected_rank: int) -> None:
    """Swap with the neighbour above or below. A stale page (the order changed since it was
    shown) is refused rather than moving the wrong action."""
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


@transaction.atomic
def add_custom(
    roadmap: Roadmap, *, title: str, dimension: str, horizon: str, notes: str
) -> RoadmapAction:
    # The roadmap row is locked so that two additions at once cannot both take the last place.
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
    up_front: list[RoadmapAction]
    by_horizon: list[tuple[str, list[RoadmapAction]]]
    declined: list[RoadmapAction]
    obsolete: list[RoadmapAction]
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def arrange(actions: list[RoadmapAction]) -> RoadmapView:
    live = [a for a in actions if not a.obsolete and a.decision != RoadmapAction.Decision.DECLINED]
    up_front = live[:UP_FRONT]
    rest = live[UP_FRONT:]
    by_horizon = [
        (label, [a for a in rest if a.horizon == code])
        for code, label in roadmap_rules.HORIZONS.items()
    ]
    return RoadmapView(
        up_front=up_front,
        by_horizon=[(label, items) for label, items in by_horizon if items],
        declined=[
            a for a in actions if a.decision == RoadmapAction.Decision.DECLINED and not a.obsolete
        ],
        obsolete=[a for a in actions if a.obsolete],
        done=sum(1 for a in live if a.status == RoadmapAction.Status.DONE),
        total=len(live),
    )


def rules_lookup(rules: RoadmapRules | None) -> tuple[dict, dict]:
    if rules is None:
        return {}, {}
    return (
        {f["code"]: f for f in rules.data.get("funding_leads", [])},
        {t["code"]: t for t in rules.data.get("training_resources", [])},
    )


_LOOKUP_CACHE: dict[tuple, tuple[dict, dict]] = {}


def active_rules_lookup() -> tuple[dict, dict]:
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
        return {}, {}
    lookup = _LOOKUP_CACHE.get(current)
    if lookup is None:
        lookup = rules_lookup(RoadmapRules.objects.get(pk=current[0]))
        _LOOKUP_CACHE.clear()  # only the active version is ever asked for
        _LOOKUP_CACHE[current] = lookup
    return lookup


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


def usage_labels(roadmap: Roadmap) -> dict[str, str]:
    if roadmap.diagnostic is None:
        return {}
    return {
        u["code"]: u["label"]
        for u in structure_for(roadmap.diagnostic.questionnaire).inventory.get("usages", [])
    }


def tools_by_action(
    actions: list[RoadmapAction], proprietary_in_use: list[str], per_action: int = 3
) -> dict[int, list]:
    """Published toolbox tools for each action's usages (libre first, replacements of the
    proprietary tools found in the inventory first), fetched in one go for all actions."""
    try:
        from toolbox import services as toolbox_services
    except ImportError:  # pragma: no cover - the toolbox app ships with the platform
        return {}
    usages = sorted({u for a in actions for u in a.toolbox_usages})
    if not usages:
        return {}
    ranked = toolbox_services.recommended_tools(usages, replaces=proprietary_in_use, limit=1000)
    return {
        a.pk: [t for t in ranked if set(t.usages) & set(a.toolbox_usages)][:per_action]
        for a in actions
        if a.toolbox_usages
    }


def ambassadors_by_action(
    organisation: Organisation, actions: list[RoadmapAction]
) -> dict[int, list]:
    """Ambassadors near the organisation with expertise on each action's dimension, for the few
    actions shown up front: one query for all their dimensions (ambassadors.services)."""
    from ambassadors.services import ambassadors_near_each

    near = ambassadors_near_each(organisation, [a.dimension for a in actions if a.dimension])
    return {a.pk: near.get(a.dimension, []) for a in actions}


def _adviser_notes_digest(roadmap: Roadmap) -> list:
    try:
        from advisers import services as adviser_services
    except ImportError:  # pragma: no cover - the advisers app ships with the platform
        return []
    return adviser_services.notes_digest(roadmap)


def content_hash(roadmap: Roadmap, actions: list[RoadmapAction]) -> str:
    """What the PDF shows, hashed: asking again for an unchanged roadmap reuses the file."""
    payload = {
        "organisation": roadmap.organisation.name,
        "diagnostic": roadmap.diagnostic_id,
        "rules": roadmap.rules_version,
        "actions": [
            [
                a.pk, a.title, a.explanation, a.steps, a.decision, a.status, a.position, a.horizon,
                a.owner_id, str(a.due_date), a.notes, a.reasons, a.obsolete,
            ]
            for a in actions
        ],
        "adviser_notes": _adviser_notes_digest(roadmap),
    }  # fmt: skip
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
