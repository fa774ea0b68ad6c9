"""The roadmap as the organisation lives with it: what a regeneration adds, keeps and puts
aside, in which order; accepting, declining and working on actions; its own actions; the
progress since the previous diagnostic. Rules are written here, a few actions each, so that
every order and flag below is known in advance."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from maturity import roadmap, services
from maturity.models import Diagnostic, ResultSnapshot, Roadmap, RoadmapAction, RoadmapRules
from tests.factories import MembershipFactory, OrganisationFactory
from tests.maturity.factories import diagnostic_with_respondent, published_questionnaire
from tests.maturity.test_collective_and_results import answer_all, weakest
from tests.pages import readable

pytestmark = pytest.mark.django_db

NOON = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def diagnostic():
    """A completed diagnostic, weak everywhere, made while no rules were active: no roadmap
    yet, each test brings its own rules."""
    RoadmapRules.objects.update(is_active=False)
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=published_questionnaire())
    answer_all(respondent, weakest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    diagnostic.refresh_from_db()
    return diagnostic


def dimension_of(diagnostic) -> str:
    return diagnostic.snapshot.data["dimensions"][0]["code"]


def rule(code: str, dimension: str, *, priority: int = 2, **extra) -> dict:
    """An action of the rules that fires on any score of its dimension (below 101)."""
    return {
        "code": code,
        "title": f"Titre {code}",
        "explanation": f"Pourquoi {code}",
        "steps": [f"Étape {code}"],
        "dimension": dimension,
        "priority": priority,
        "horizon": "0-3",
        "effort": "faible",
        "cost": "gratuit",
        "prerequisites": [],
        "funding": [],
        "training": [],
        "triggers": [{"dimension_below": {"dimension": dimension, "score": 101}}],
        **extra,
    }


def activate(version: str, actions: list[dict]) -> RoadmapRules:
    RoadmapRules.objects.update(is_active=False)
    return RoadmapRules.objects.create(version=version, is_active=True, data={"actions": actions})


def by_position(organisation) -> list[str]:
    return list(
        RoadmapAction.objects.filter(roadmap__organisation=organisation, obsolete=False)
        .order_by("position", "pk")
        .values_list("template_code", flat=True)
    )


def action(organisation, code: str) -> RoadmapAction:
    return RoadmapAction.objects.get(roadmap__organisation=organisation, template_code=code)


def page_of(client, organisation) -> str:
    member = organisation.memberships.first().user
    client.force_login(member)
    return client.get(reverse("maturity:roadmap", args=[organisation.pk])).content.decode()


def card(page: str, item: RoadmapAction) -> str:
    return page.split(f'id="action-{item.pk}"', 1)[1].split("</article>", 1)[0]


# --- Generation -----------------------------------------------------------------------------


def test_a_first_roadmap_follows_the_ranking_and_copies_each_rule(diagnostic, settings):
    settings.ROADMAP_PRIORITY_ACTIONS = 2
    dimension = dimension_of(diagnostic)
    activate(
        "1.0",
        [rule("c", dimension, priority=3), rule("a", dimension, priority=1), rule("b", dimension)],
    )
    with time_machine.travel(NOON, tick=False):
        made = roadmap.generate(diagnostic)
    organisation = diagnostic.organisation
    assert by_position(organisation) == ["a", "b", "c"]
    assert made.diagnostic == diagnostic and made.rules_version == "1.0"
    assert made.generated_at == NOON
    first = action(organisation, "a")
    assert (first.title, first.explanation, first.steps) == ("Titre a", "Pourquoi a", ["Étape a"])
    assert (first.dimension, first.priority, first.horizon) == (dimension, 1, "0-3")
    assert (first.effort, first.cost, first.position) == ("faible", "gratuit", 0)
    assert first.reasons and first.reasons[0].startswith("Score de ")
    # The reason names the dimension by its title, as the questionnaire words it.
    title = diagnostic.snapshot.data["dimensions"][0]["title"]
    assert title in first.reasons[0] and dimension not in first.reasons[0]
    assert [action(organisation, c).later for c in "abc"] == [False, False, True]
    assert not any(action(organisation, c).is_new for c in "abc")


def test_a_roadmap_needs_active_rules_and_a_completed_diagnostic(diagnostic):
    assert roadmap.generate(diagnostic) is None
    activate("1.0", [rule("a", dimension_of(diagnostic))])
    diagnostic.status = Diagnostic.Status.IN_PROGRESS
    assert roadmap.generate(diagnostic) is None
    assert not RoadmapAction.objects.exists()


def test_new_actions_of_a_regeneration_come_after_the_kept_ones_in_rank_order_flagged_new(
    client, diagnostic
):
    dimension = dimension_of(diagnostic)
    organisation = diagnostic.organisation
    activate("1.0", [rule("b", dimension, priority=2), rule("d", dimension, priority=3)])
    roadmap.generate(diagnostic)
    activate(
        "2.0",
        [
            rule("d", dimension, priority=3),
            rule("c", dimension, priority=2),
            rule("b", dimension, priority=2),
            rule("a", dimension, priority=1),
        ],
    )
    roadmap.generate(diagnostic)
    assert by_position(organisation) == ["b", "d", "a", "c"]
    assert [action(organisation, c).is_new for c in "abcd"] == [True, False, True, False]
    page = page_of(client, organisation)
    titles = [t for t in re.findall(r"<h3 [^>]*><a [^>]*>Titre (\w)</a></h3>", page)]
    assert titles == ["b", "d", "a", "c"]
    for code in "abcd":
        badge = "Nouvelle" in card(page, action(organisation, code))
        assert badge == (code in "ac"), code
    # The flag lasts until the next generation.
    roadmap.generate(diagnostic)
    assert not RoadmapAction.objects.filter(is_new=True).exists()
    assert "Nouvelle" not in page_of(client, organisation)


def test_new_actions_come_after_an_order_the_organisation_chose(diagnostic):
    dimension = dimension_of(diagnostic)
    organisation = diagnostic.organisation
    activate("1.0", [rule("b", dimension), rule("d", dimension, priority=3)])
    roadmap.generate(diagnostic)
    roadmap.move(action(organisation, "d"), direction="up", expected_rank=1)
    activate("2.0", [rule("b", dimension), rule("d", dimension, priority=3), rule("a", dimension)])
    roadmap.generate(diagnostic)
    assert by_position(organisation) == ["d", "b", "a"]


def test_a_regeneration_keeps_edits_takes_the_rules_links_and_writes_only_what_changed(
    diagnostic,
):
    dimension = dimension_of(diagnostic)
    organisation = diagnostic.organisation
    activate("1.0", [rule("a", dimension), rule("b", dimension), rule("c", dimension)])
    roadmap.generate(diagnostic)
    edited = action(organisation, "a")
    edited.title, edited.edited = "Notre titre", True
    edited.save()
    histories = RoadmapAction.history.count()
    roadmap.generate(diagnostic)  # the same rules: nothing to write
    assert RoadmapAction.history.count() == histories
    changed = [
        rule("a", dimension, title="Nouveau a", funding=["f"], training=["t"], needs=["n"]),
        rule("b", dimension, title="Nouveau b", explanation="Autre", priority=1),
        rule("c", dimension),
    ]
    activate("2.0", changed)
    roadmap.generate(diagnostic)
    kept, taken, same = (action(organisation, c) for c in "abc")
    assert kept.title == "Notre titre" and kept.explanation == "Pourquoi a"
    assert (kept.funding, kept.training, kept.needs) == (["f"], ["t"], ["n"])
    assert (taken.title, taken.explanation, taken.priority) == ("Nouveau b", "Autre", 1)
    assert RoadmapAction.history.count() == histories + 2  # a and b, not c
    assert same.title == "Titre c"


def test_what_is_no_longer_proposed_is_put_aside_unless_done_and_comes_back_when_proposed(
    client, diagnostic
):
    dimension = dimension_of(diagnostic)
    organisation = diagnostic.organisation
    activate("1.0", [rule("a", dimension), rule("b", dimension), rule("c", dimension)])
    roadmap.generate(diagnostic)
    roadmap.update(action(organisation, "b"), owner=None, due_date=None, status="done", notes="")
    activate("2.0", [rule("c", dimension)])
    roadmap.generate(diagnostic)
    assert [action(organisation, c).obsolete for c in "abc"] == [True, False, False]
    page = page_of(client, organisation)
    aside = page.split("Actions qui ne sont plus proposées", 1)[1]
    assert "Titre a" in aside and "Titre b" not in aside
    activate("3.0", [rule("a", dimension), rule("c", dimension)])
    roadmap.generate(diagnostic)
    back = action(organisation, "a")
    assert not back.obsolete and not back.is_new


def test_an_action_not_for_foundations_stays_out_of_a_roadmap_made_for_a_foundation():
    RoadmapRules.objects.update(is_active=False)
    diagnostic, respondent = diagnostic_with_respondent(questionnaire=published_questionnaire())
    organisation = diagnostic.organisation
    organisation.legal_form = "fondation"
    organisation.save()
    answer_all(respondent, weakest)
    services.complete(diagnostic=diagnostic, by=respondent.user)
    diagnostic.refresh_from_db()
    dimension = dimension_of(diagnostic)
    activate(
        "1.0",
        [rule("a", dimension), rule("f", dimension, not_for={"legal_forms": ["fondation"]})],
    )
    roadmap.generate(diagnostic)
    assert by_position(organisation) == ["a"]
    # The record changes afterwards: a regeneration still reads the record the results kept.
    diagnostic.organisation.legal_form = "association"
    diagnostic.organisation.save()
    roadmap.generate(diagnostic)
    assert by_position(organisation) == ["a"]


def test_results_kept_before_the_record_was_read_the_legal_form_of_the_record_now(diagnostic):
    snapshot = diagnostic.snapshot
    snapshot.data.pop("profile", None)
    snapshot.save()
    diagnostic.organisation.legal_form = "fondation"
    diagnostic.organisation.save()
    dimension = dimension_of(diagnostic)
    activate(
        "1.0",
        [rule("a", dimension), rule("f", dimension, not_for={"legal_forms": ["fondation"]})],
    )
    roadmap.generate(diagnostic)
    assert by_position(diagnostic.organisation) == ["a"]


def test_what_the_organisation_took_on_takes_the_priority_places_first(diagnostic, settings):
    settings.ROADMAP_PRIORITY_ACTIONS = 1
    dimension = dimension_of(diagnostic)
    organisation = diagnostic.organisation
    activate("1.0", [rule("a", dimension, priority=1), rule("c", dimension, priority=3)])
    roadmap.generate(diagnostic)
    assert [action(organisation, c).later for c in "ac"] == [False, True]
    accepted = roadmap.decide(action(organisation, "c"), accept=True)
    roadmap.generate(diagnostic)
    assert [action(organisation, c).later for c in "ac"] == [True, False]
    # Done, it no longer holds a place: the best ranked action gets it back.
    roadmap.update(accepted, owner=None, due_date=None, status="done", notes="")
    roadmap.generate(diagnostic)
    assert [action(organisation, c).later for c in "ac"] == [False, True]


def test_an_action_under_way_holds_its_priority_place_even_once_declined(diagnostic, settings):
    settings.ROADMAP_PRIORITY_ACTIONS = 1
    dimension = dimension_of(diagnostic)
    organisation = diagnostic.organisation
    activate("1.0", [rule("a", dimension, priority=1), rule("c", dimension, priority=3)])
    roadmap.generate(diagnostic)
    declined = roadmap.decide(action(organisation, "c"), accept=False)
    roadmap.update(declined, owner=None, due_date=None, status="doing", notes="")
    roadmap.generate(diagnostic)
    assert [action(organisation, c).later for c in "ac"] == [True, False]


# --- Deciding and working on actions ----------------------------------------------------------


@pytest.fixture
def generated(diagnostic):
    dimension = dimension_of(diagnostic)
    activate("1.0", [rule("a", dimension, priority=1), rule("b", dimension), rule("c", dimension)])
    roadmap.generate(diagnostic)
    # Flagged as a regeneration would, to see which edits clear the flag.
    RoadmapAction.objects.update(is_new=True)
    return diagnostic.organisation


def test_declining_keeps_a_short_reason_and_lists_the_action_apart(client, generated):
    declined = roadmap.decide(
        action(generated, "b"), accept=False, reason="  Déjà fait  " + "x" * 400
    )
    declined.refresh_from_db()
    assert declined.decision == "declined" and not declined.is_new
    assert declined.decline_reason == ("Déjà fait  " + "x" * 400)[:300]
    page = page_of(client, generated)
    apart = page.split("<h2>Actions écartées</h2>", 1)[1].split("<h2", 1)[0]
    assert f'id="action-{declined.pk}"' in apart and "Titre b — Déjà fait" in apart
    assert "Titre a" not in apart and "Titre c" not in apart
    assert f'id="action-{declined.pk}-title"' not in page  # no card among the priorities
    # Taken back: the reason goes, the action is a priority again.
    roadmap.decide(declined, accept=True, reason="ignorée")
    declined.refresh_from_db()
    assert declined.decision == "accepted" and declined.decline_reason == ""
    assert "Actions écartées" not in page_of(client, generated)


def test_declining_without_a_reason_records_none(generated):
    declined = roadmap.decide(action(generated, "b"), accept=False)
    declined.refresh_from_db()
    assert (declined.decision, declined.decline_reason) == ("declined", "")


def test_a_declined_action_no_longer_proposed_is_only_among_those_put_aside(generated):
    declined = roadmap.decide(action(generated, "b"), accept=False)
    declined.obsolete = True
    declined.save()
    view = roadmap.arrange(list(generated.roadmap.actions.for_roadmap_page()))
    assert view.declined == [] and view.obsolete == [declined]


def test_working_on_a_proposed_action_accepts_it_but_a_declined_one_stays_declined(generated):
    worked = roadmap.update(
        action(generated, "a"), owner=None, due_date=None, status="todo", notes="n"
    )
    assert worked.decision == "accepted" and worked.notes == "n" and not worked.is_new
    declined = roadmap.decide(action(generated, "b"), accept=False)
    roadmap.update(declined, owner=None, due_date=None, status="doing", notes="")
    declined.refresh_from_db()
    assert declined.decision == "declined" and declined.status == "doing"


def test_the_completion_date_is_when_it_was_first_marked_done_and_goes_when_reopened(generated):
    item = action(generated, "a")
    with time_machine.travel(NOON, tick=False):
        roadmap.update(item, owner=None, due_date=None, status="done", notes="")
    with time_machine.travel(NOON + timedelta(days=3), tick=False):
        roadmap.update(item, owner=None, due_date=None, status="done", notes="Bilan")
    item.refresh_from_db()
    assert item.completed_at == NOON and item.notes == "Bilan"
    roadmap.update(item, owner=None, due_date=None, status="doing", notes="")
    item.refresh_from_db()
    assert item.completed_at is None


def test_the_owner_must_be_an_active_member_and_the_status_one_that_exists(generated):
    item = action(generated, "a")
    member = MembershipFactory(organisation=generated)
    gone = MembershipFactory(organisation=generated, is_active=False)
    outsider = MembershipFactory()
    for person in (gone.user, outsider.user):
        with pytest.raises(roadmap.RoadmapError) as refused:
            roadmap.update(item, owner=person, due_date=None, status="todo", notes="")
        assert str(refused.value) == "La personne responsable doit être membre de l'organisation."
    with pytest.raises(roadmap.RoadmapError) as refused:
        roadmap.update(item, owner=None, due_date=None, status="fini", notes="")
    assert str(refused.value) == "Cet avancement n'existe pas."
    item.refresh_from_db()
    assert item.owner is None and item.decision == "proposed"
    assert (
        roadmap.update(item, owner=member.user, due_date=None, status="todo", notes="").owner
        == member.user
    )


def test_moving_the_first_up_or_the_last_down_changes_nothing(generated):
    first, last = action(generated, "a"), action(generated, "c")
    roadmap.move(first, direction="up", expected_rank=0)
    roadmap.move(last, direction="down", expected_rank=2)
    assert by_position(generated) == ["a", "b", "c"]
    roadmap.move(first, direction="down", expected_rank=0)
    assert by_position(generated) == ["b", "a", "c"]


def test_an_action_put_aside_cannot_be_moved(generated):
    aside = action(generated, "b")
    aside.obsolete = True
    aside.save()
    with pytest.raises(roadmap.RoadmapError) as refused:
        roadmap.move(aside, direction="up", expected_rank=1)
    assert str(refused.value) == "Cette action ne peut plus être déplacée."


def test_moving_swaps_within_its_own_roadmap_and_refuses_a_page_shown_before_a_change(generated):
    other = Roadmap.objects.create(organisation=OrganisationFactory())
    theirs = [
        roadmap.add_custom(other, title=f"T{n}", dimension="", horizon="0-3", notes="")
        for n in range(2)
    ]
    positions = [a.position for a in theirs]
    roadmap.move(action(generated, "b"), direction="down", expected_rank=1)
    assert by_position(generated) == ["a", "c", "b"]
    assert [a.position for a in RoadmapAction.objects.filter(roadmap=other).order_by("pk")] == (
        positions
    )
    # The page still shows b second: moving it again from there is refused, nothing moves.
    with pytest.raises(roadmap.RoadmapError) as refused:
        roadmap.move(action(generated, "b"), direction="up", expected_rank=1)
    assert str(refused.value) == (
        "L'ordre a changé entre-temps : voici la feuille de route à jour, recommencez."
    )
    assert by_position(generated) == ["a", "c", "b"]


# --- The organisation's own actions -----------------------------------------------------------


def test_an_own_action_is_accepted_and_comes_last(client, generated):
    last = action(generated, "c")
    roadmap.move(last, direction="up", expected_rank=2)
    own = roadmap.add_custom(
        generated.roadmap, title="Notre action", dimension="", horizon="6-12", notes="À nous"
    )
    assert (own.source, own.decision, own.notes) == ("custom", "accepted", "À nous")
    assert by_position(generated) == ["a", "c", "b", ""]
    page = page_of(client, generated)
    assert page.index("Titre b") < page.index("Notre action")


def test_an_own_action_keeps_its_title_dimension_horizon_and_notes(generated):
    dimension = action(generated, "a").dimension
    own = roadmap.add_custom(
        generated.roadmap, title="Former le bureau", dimension=dimension, horizon="6-12", notes="n"
    )
    own.refresh_from_db()
    assert (own.title, own.dimension, own.horizon, own.notes) == (
        "Former le bureau",
        dimension,
        "6-12",
        "n",
    )


def test_own_actions_stop_at_the_limit_exactly(generated, settings):
    settings.ROADMAP_MAX_CUSTOM_ACTIONS = 2
    for n in range(2):
        roadmap.add_custom(generated.roadmap, title=f"A{n}", dimension="", horizon="0-3", notes="")
    with pytest.raises(roadmap.RoadmapError) as refused:
        roadmap.add_custom(generated.roadmap, title="A2", dimension="", horizon="0-3", notes="")
    assert str(refused.value) == roadmap.custom_limit_message(2)
    assert "compte déjà 2 actions ajoutées" in str(refused.value)


def test_the_limit_message_in_full_singular_up_to_one_as_french_counts():
    one = (
        "Votre feuille de route compte déjà {} action ajoutée par l'organisation, le maximum : "
        "complétez-la plutôt que d'en ajouter une autre."
    )
    several = (
        "Votre feuille de route compte déjà 3 actions ajoutées par l'organisation, le maximum : "
        "complétez celles-ci plutôt que d'en ajouter d'autres."
    )
    assert roadmap.custom_limit_message(0) == one.format(0)
    assert roadmap.custom_limit_message(1) == one.format(1)
    assert roadmap.custom_limit_message(3) == several


def test_the_limit_message_speaks_of_one_action_or_of_several():
    assert roadmap.custom_limit_message(1).startswith(
        "Votre feuille de route compte déjà 1 action ajoutée par l'organisation, le maximum"
    )
    assert "complétez celles-ci" in roadmap.custom_limit_message(3)


# --- What the page groups, without the database -----------------------------------------------


def make(**fields) -> RoadmapAction:
    return RoadmapAction(**{"title": "x", **fields})


def test_priorities_are_those_ranked_so_added_by_hand_or_taken_on():
    assert roadmap.is_priority(make(later=False))
    assert not roadmap.is_priority(make(later=True))
    assert roadmap.is_priority(make(later=True, source="custom"))
    assert roadmap.is_priority(make(later=True, source="adviser"))
    assert roadmap.is_priority(make(later=True, decision="accepted"))
    assert roadmap.is_priority(make(later=True, status="doing"))
    assert roadmap.is_priority(make(later=True, status="done"))


def test_the_page_groups_priorities_later_declined_and_put_aside_and_counts_what_is_done():
    first = make(status="done")
    second = make(decision="accepted")
    third = make(status="done", later=True)
    later = make(later=True)
    declined = make(decision="declined", status="done")
    aside = make(obsolete=True, status="done")
    view = roadmap.arrange([first, later, declined, second, aside, third])
    assert view.up_front == [first, second, third]
    assert view.later == [later]
    assert view.declined == [declined]
    assert view.obsolete == [aside]
    assert (view.done, view.total, view.percent) == (2, 3, 67)
    assert roadmap.arrange([make(status="done"), make(), make()]).percent == 33
    assert roadmap.arrange([later]).percent == 0


# --- Progress since the previous diagnostic ---------------------------------------------------


def completed_with(organisation, questionnaire, when, scores: dict) -> Diagnostic:
    diagnostic = Diagnostic.objects.create(
        organisation=organisation,
        questionnaire=questionnaire,
        status=Diagnostic.Status.COMPLETED,
        completed_at=when,
    )
    ResultSnapshot.objects.create(
        diagnostic=diagnostic,
        data={"dimensions": [{"code": c, "score": s} for c, s in scores.items()]},
    )
    return diagnostic


def test_gains_compare_the_last_two_completed_diagnostics_dimension_by_dimension(
    django_assert_num_queries,
):
    questionnaire = published_questionnaire()
    organisation = OrganisationFactory()
    assert roadmap.gains_since_previous(organisation) == {}
    completed_with(organisation, questionnaire, NOON, {"a": 10.0, "b": 50.0, "c": None, "d": 1.0})
    assert roadmap.gains_since_previous(organisation) == {}
    # Created before the first but completed after it: the later completion is "now".
    completed_with(
        organisation,
        questionnaire,
        NOON + timedelta(days=400),
        {"a": 42.36, "b": 40.0, "c": 30.0, "d": None, "e": 9.0},
    )
    completed_with(organisation, questionnaire, NOON - timedelta(days=400), {"a": 90.0})
    Diagnostic.objects.create(organisation=organisation, questionnaire=questionnaire)
    other = OrganisationFactory()
    completed_with(other, questionnaire, NOON + timedelta(days=500), {"a": 0.0})
    with django_assert_num_queries(1):  # the two snapshots come with their diagnostics
        assert roadmap.gains_since_previous(organisation) == {"a": 32.4, "b": -10.0}


def test_a_done_action_shows_the_progress_of_its_dimension(client, generated):
    item = action(generated, "a")
    questionnaire = Diagnostic.objects.get(organisation=generated).questionnaire
    completed_with(generated, questionnaire, NOON, {item.dimension: 20.0})
    completed_with(generated, questionnaire, NOON + timedelta(days=30), {item.dimension: 35.5})
    assert "depuis le diagnostic précédent" not in page_of(client, generated)
    roadmap.update(item, owner=None, due_date=None, status="done", notes="")
    page = page_of(client, generated)
    assert "depuis le diagnostic précédent : +15,5 points" in readable(card(page, item))
