"""What a member's home page shows of their organisations' diagnostics and roadmaps: where the
diagnostic stands, the last result, the roadmap's progress, the actions due soon. A fixed
number of queries whatever the number of organisations, diagnostics or actions."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from maturity import services
from maturity.models import Answer, Diagnostic, Respondent, RoadmapAction
from maturity.structure import structure_for

# Actions due within this many days (or late) are listed on the home page, this many at most.
DUE_WITHIN_DAYS = 30
DUE_SHOWN = 8


@dataclass
class OrganisationProgress:
    """One organisation's diagnostic and roadmap, as its member's home page shows them."""

    in_progress: Diagnostic | None = None
    # The member's own answers to the diagnostic in progress (None: they have not started).
    my_progress: services.Progress | None = None
    latest: Diagnostic | None = None  # the last completed diagnostic, with its snapshot
    actions_total: int = 0  # the roadmap's priorities (as its page counts them)
    actions_done: int = 0
    actions_doing: int = 0

    @property
    def level_label(self) -> str:
        """The last result's overall level, in the words of its questionnaire version."""
        snapshot = getattr(self.latest, "snapshot", None)
        if snapshot is None or not snapshot.overall_level:
            return ""
        for level in self.latest.questionnaire.levels:
            if level.get("code") == snapshot.overall_level:
                return level.get("label", "")
        return ""

    @property
    def actions_percent(self) -> int:
        return round(100 * self.actions_done / self.actions_total) if self.actions_total else 0


@dataclass
class MemberDashboard:
    organisations: dict[int, OrganisationProgress] = field(default_factory=dict)
    due_actions: list[RoadmapAction] = field(default_factory=list)


def _diagnostics(user, organisation_ids: list[int]) -> list[Diagnostic]:
    """Each organisation's diagnostic in progress and its last completed one: one query."""
    latest_completed = (
        Diagnostic.objects.filter(
            organisation=OuterRef("organisation"), status=Diagnostic.Status.COMPLETED
        )
        .order_by("-completed_at", "-pk")
        .values("pk")[:1]
    )
    mine = Respondent.objects.filter(diagnostic=OuterRef("pk"), user=user).values("pk")[:1]
    team = (
        Respondent.objects.filter(diagnostic=OuterRef("pk"))
        .order_by()
        .values("diagnostic")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Diagnostic.objects.filter(organisation_id__in=organisation_ids)
        .filter(Q(status=Diagnostic.Status.IN_PROGRESS) | Q(pk=Subquery(latest_completed)))
        .annotate(my_respondent_id=Subquery(mine), respondent_count=Coalesce(Subquery(team), 0))
        .select_related("questionnaire", "snapshot")
        .defer("questionnaire__description", "snapshot__data")
    )


def _own_answers(respondent_ids: list[int]) -> dict[int, dict[int, services.GivenAnswer]]:
    """The answers of these respondents, by respondent: one query (none without any)."""
    answers: dict[int, dict[int, services.GivenAnswer]] = {pk: {} for pk in respondent_ids}
    if respondent_ids:
        for respondent_id, question_id, choice_ids, unknown, text in Answer.objects.filter(
            respondent_id__in=respondent_ids
        ).values_list("respondent_id", "question_id", "choice_ids", "unknown", "text"):
            answers[respondent_id][question_id] = services.GivenAnswer(
                tuple(choice_ids), unknown, text
            )
    return answers


def _roadmap_counts(organisation_ids: list[int]) -> dict[int, dict]:
    """Per organisation, its roadmap's priorities (roadmap.is_priority, in SQL), done and under
    way: one query."""
    live = Q(obsolete=False) & ~Q(decision=RoadmapAction.Decision.DECLINED)
    priority = (
        Q(later=False)
        | ~Q(source=RoadmapAction.Source.RULE)
        | Q(decision=RoadmapAction.Decision.ACCEPTED)
        | ~Q(status=RoadmapAction.Status.TODO)
    )
    return {
        row["roadmap__organisation_id"]: row
        for row in RoadmapAction.objects.filter(roadmap__organisation_id__in=organisation_ids)
        .filter(live & priority)
        .values("roadmap__organisation_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=RoadmapAction.Status.DONE)),
            doing=Count("pk", filter=Q(status=RoadmapAction.Status.DOING)),
        )
    }


def due_actions(organisation_ids: list[int], *, today: date | None = None) -> list[RoadmapAction]:
    """Actions of these organisations' roadmaps not done yet whose due date is passed or within
    DUE_WITHIN_DAYS, soonest first (the late ones first of all): one query. Each has its
    organisation's id as `organisation_id`."""
    today = today or timezone.localdate()
    return list(
        RoadmapAction.objects.filter(
            roadmap__organisation_id__in=organisation_ids,
            obsolete=False,
            due_date__lte=today + timedelta(days=DUE_WITHIN_DAYS),
        )
        .exclude(status=RoadmapAction.Status.DONE)
        .exclude(decision=RoadmapAction.Decision.DECLINED)
        .annotate(organisation_id=F("roadmap__organisation_id"))
        .select_related("owner")
        .only(
            "pk",
            "title",
            "due_date",
            "status",
            "owner",
            "owner__first_name",
            "owner__last_name",
            "owner__email",
        )
        .order_by("due_date", "pk")[:DUE_SHOWN]
    )


def for_member(user, organisation_ids: list[int]) -> MemberDashboard:
    """The home page's view of the user's organisations (ids of their active memberships):
    four queries at most, whatever their number and history."""
    dashboard = MemberDashboard({pk: OrganisationProgress() for pk in organisation_ids})
    if not organisation_ids:
        return dashboard
    diagnostics = _diagnostics(user, organisation_ids)
    for diagnostic in diagnostics:
        progress = dashboard.organisations[diagnostic.organisation_id]
        if diagnostic.is_completed:
            progress.latest = diagnostic
        else:
            progress.in_progress = diagnostic
    answers = _own_answers([d.my_respondent_id for d in diagnostics if d.my_respondent_id])
    for progress in dashboard.organisations.values():
        diagnostic = progress.in_progress
        if diagnostic is not None and diagnostic.my_respondent_id:
            # The structure is cached in-process once its version is published.
            structure = structure_for(diagnostic.questionnaire)
            progress.my_progress = services.overall_progress(
                services.section_progress(structure, answers[diagnostic.my_respondent_id])
            )
    for organisation_id, row in _roadmap_counts(organisation_ids).items():
        progress = dashboard.organisations[organisation_id]
        progress.actions_total, progress.actions_done = row["total"], row["done"]
        progress.actions_doing = row["doing"]
    dashboard.due_actions = due_actions(organisation_ids)
    return dashboard
