"""Workshops built through their services, with participants and answers."""

from django.core.management import call_command

from maturity.models import Answer, Diagnostic, Questionnaire, RoadmapRules
from maturity.structure import structure_for
from tests.factories import MembershipFactory, OrganisationFactory
from tests.maturity.factories import published_questionnaire
from workshops import services
from workshops.models import DEFAULT_GROUPS, Workshop


def questionnaire() -> Questionnaire:
    return Questionnaire.objects.published().first() or published_questionnaire()


def team_workshop(*, organisation=None, admin=None, pace=Workshop.Pace.FREE, title="Atelier"):
    """A team workshop opened by an admin on the organisation's diagnostic in progress."""
    q = questionnaire()
    organisation = organisation or OrganisationFactory()
    if admin is None:
        admin = MembershipFactory(organisation=organisation, admin=True).user
    if not Diagnostic.objects.filter(organisation=organisation, status="in_progress").exists():
        Diagnostic.objects.create(organisation=organisation, questionnaire=q, created_by=admin)
    return services.open_team_workshop(
        organisation=organisation, by=admin, title=title, groups=list(DEFAULT_GROUPS), pace=pace
    )


def dimension_questions(workshop, dimension: str | None = None):
    structure = structure_for(workshop.questionnaire)
    sections = structure.dimensions
    if dimension:
        sections = [structure.section_by_code[dimension]]
    # Follow-up questions are left out: they are shown only after some answers.
    return [q for s in sections for q in s.questions if not q.show_if_question]


def add_participants(workshop, count: int, *, group: int = 0, choice: int = 0, entry=None,
                     dimension: str | None = "strategie"):  # fmt: skip
    """`count` participants of `group`, each answering every main question of `dimension`
    (every dimension with None) with the question's choice at index `choice`."""
    participants = []
    questions = dimension_questions(workshop, dimension)
    for _ in range(count):
        participant = services.join(workshop=workshop, entry=entry, group=group)
        Answer.objects.bulk_create(
            Answer(
                respondent=participant.respondent,
                question_id=q.id,
                choice_ids=[q.choices[min(choice, len(q.choices) - 1)].id],
            )
            for q in questions
        )
        participants.append(participant)
    return participants


def rules():
    if not RoadmapRules.objects.filter(is_active=True).exists():
        call_command("load_roadmap_rules", verbosity=0)


def event_workshop(*, by=None, groups=("Salarié·es", "Bénévoles")):
    """An event workshop opened by a CRESS admin."""
    questionnaire()
    if by is None:
        by = MembershipFactory().user
        by.is_cress_admin = True
        by.save()
    return services.open_event_workshop(by=by, title="Rencontre", groups=list(groups), pace="free")
