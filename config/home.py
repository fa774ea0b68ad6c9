"""What a logged-in person's home page and the CRESS space gather: one block per role, each
read through the app that owns it. config sits above every app, so it may ask all of them;
none of them asks another (maturity never imports the community, advisers or toolbox)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import ngettext

from accounts import services as accounts_services
from advisers import portfolio
from advisers import services as advisers_services
from advisers.models import AdviserProfile
from ambassadors.models import Ambassador
from ambassadors.services import events as ambassadors_events
from ambassadors.services import figures as ambassadors_figures
from maturity import dashboard, versions
from toolbox.services import curation as toolbox_curation


@dataclass(frozen=True)
class Queue:
    """Something waiting for a CRESS admin: what, how many, and the page where it is done."""

    label: str
    count: int
    url: str


def cress_queues() -> list[Queue]:
    """Every queue of the CRESS, with its count: eight counts, whatever is waiting."""
    toolbox = toolbox_curation.cress_queue_counts()
    community = ambassadors_figures.cress_queue_counts()
    advisers = advisers_services.cress_queue_counts()["advisers"]
    drafts = versions.cress_queue_counts()["drafts"]
    moderation = reverse("toolbox:moderation")
    community_page = reverse("ambassadors:cress")

    def queue(singular: str, plural: str, count: int, url: str) -> Queue:
        return Queue(ngettext(singular, plural, count) % {"n": count}, count, url)

    return [
        queue(
            "%(n)s compte conseiller·e à valider",
            "%(n)s comptes conseiller·es à valider",
            advisers,
            reverse("cress_dashboard") + "#conseillers",
        ),
        queue(
            "%(n)s proposition d’outil à relire",
            "%(n)s propositions d’outils à relire",
            toolbox["proposals"],
            moderation + "#propositions",
        ),
        queue(
            "%(n)s témoignage à relire",
            "%(n)s témoignages à relire",
            toolbox["testimonials"],
            moderation + "#temoignages",
        ),
        queue(
            "%(n)s fiche outil pas relue depuis un an",
            "%(n)s fiches outils pas relues depuis un an",
            toolbox["stale"],
            moderation + "#a-relire",
        ),
        queue(
            "%(n)s candidature ou renouvellement d’ambassadeur·rice",
            "%(n)s candidatures ou renouvellements d’ambassadeur·rices",
            community["applications"],
            community_page + "#candidatures",
        ),
        queue(
            "%(n)s fiche pratique à relire",
            "%(n)s fiches pratiques à relire",
            community["fiches"],
            community_page + "#fiches",
        ),
        queue(
            "%(n)s demande d’accompagnement restée sans réponse",
            "%(n)s demandes d’accompagnement restées sans réponse",
            community["unanswered"],
            community_page + "#sans-reponse",
        ),
        queue(
            "%(n)s brouillon du questionnaire",
            "%(n)s brouillons du questionnaire",
            drafts,
            reverse("maturity:questionnaires"),
        ),
    ]


def signed_in(request) -> dict:
    """The home page's blocks for the logged-in requester: their organisations (diagnostic,
    result, roadmap, actions due, events near them), what they wait for (join requests,
    invitations), and, for the roles they hold, the ambassador's requests waiting for them, the
    adviser's portfolio and the CRESS queues.
    A fixed number of queries whatever the number of organisations, actions or clients."""
    user = request.user
    memberships = request.organisations.memberships
    organisation_ids = [m.organisation_id for m in memberships]
    member = dashboard.for_member(user, organisation_ids)
    join_requests, invitations = accounts_services.waiting_for(user)
    # Read as the header reads it (user.is_adviser), so the page asks only once.
    profile = getattr(user, "adviser_profile", None)
    context = {
        "cards": [(m, member.organisations[m.organisation_id]) for m in memberships],
        "due_actions": member.due_actions,
        "events_near": ambassadors_events.upcoming_near(
            user, {m.organisation.departement for m in memberships if m.organisation.departement}
        ),
        "join_requests": join_requests,
        "invitations": invitations,
        "adviser_profile": profile,
        # Their way to the community space, which the main menu does not show.
        "ambassador": Ambassador.objects.filter(
            user=user, status__in=[Ambassador.Status.PENDING, Ambassador.Status.APPROVED]
        )
        .with_waiting_requests()
        .first(),
        # Advisers and CRESS admins have a home of their own: asking them to register an
        # organisation would be beside the point.
        "own_role": bool(profile and profile.status != AdviserProfile.Status.REJECTED)
        or user.is_cress_admin,
    }
    if profile is not None and profile.status == AdviserProfile.Status.APPROVED:
        context["portfolio"] = portfolio.summary(user)
    if user.is_cress_admin:
        context["cress_queues"] = cress_queues()
    return context
