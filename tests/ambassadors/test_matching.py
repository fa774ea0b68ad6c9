"""The ranking of ambassadors for a support request: a plain function, tested without a database."""

from dataclasses import dataclass, field

from ambassadors.matching import rank_ambassadors


@dataclass
class A:
    public_name: str
    departements: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    expertise_dimensions: list[str] = field(default_factory=list)
    expertise_tools: list[str] = field(default_factory=list)


def rank(ambassadors, **kwargs):
    params = {"departement": "33", "region": "75", "weak_dimensions": [], "topics": []}
    params.update(kwargs)
    return [(a.public_name, score) for a, score, _ in rank_ambassadors(ambassadors, **params)]


def test_same_departement_ranks_before_same_region_before_elsewhere():
    near = A("Near", ["33"], ["75"], ["collaboration"])
    region = A("Region", ["24"], ["75"], ["collaboration"])
    far = A("Far", ["75"], ["11"], ["collaboration"])
    assert [n for n, _ in rank([far, region, near], topics=["collaboration"])] == [
        "Near",
        "Region",
        "Far",
    ]


def test_covering_the_weakest_dimensions_counts_more_than_the_less_weak():
    weakest = A("Weakest", ["33"], ["75"], ["securite_rgpd"])
    third = A("Third", ["33"], ["75"], ["gestion"])
    ranked = rank([third, weakest], weak_dimensions=["securite_rgpd", "strategie", "gestion"])
    assert [n for n, _ in ranked] == ["Weakest", "Third"]
    assert ranked[0][1] > ranked[1][1]


def test_covering_much_more_of_the_request_outweighs_being_next_door():
    """Territory weighs more than one topic, less than two: a remote expert on the three asked
    topics beats a neighbour covering one, but not a neighbour covering two."""
    remote_expert = A("Expert", ["67"], ["44"], ["securite_rgpd", "gestion", "strategie"])
    neighbour_one = A("Neighbour1", ["33"], ["75"], ["gestion"])
    neighbour_two = A("Neighbour2", ["33"], ["75"], ["gestion", "strategie"])
    ranked = rank(
        [neighbour_one, remote_expert, neighbour_two],
        topics=["securite_rgpd", "gestion", "strategie"],
    )
    assert [n for n, _ in ranked] == ["Neighbour2", "Expert", "Neighbour1"]


def test_ambassadors_without_any_matching_expertise_are_left_out():
    unrelated = A("Unrelated", ["33"], ["75"], ["communication"])
    assert rank([unrelated], topics=["securite_rgpd"]) == []


def test_with_nothing_asked_territory_alone_ranks():
    near = A("Near", ["33"], ["75"])
    far = A("Far", ["67"], ["44"])
    assert [n for n, _ in rank([far, near])] == ["Near"]


def test_known_tools_add_to_the_score_and_reasons_explain_it():
    with_tool = A("Tool", ["33"], ["75"], ["collaboration"], ["nextcloud"])
    without = A("NoTool", ["33"], ["75"], ["collaboration"])
    ranked = rank_ambassadors(
        [without, with_tool],
        departement="33",
        region="75",
        weak_dimensions=[],
        topics=["collaboration"],
        tools=["nextcloud"],
        labels={"collaboration": "Collaboration"},
    )
    assert [a.public_name for a, _, _ in ranked] == ["Tool", "NoTool"]
    reasons = ranked[0][2]
    assert "Intervient dans votre département" in reasons
    assert "Expertise sur votre demande : Collaboration" in reasons
    assert "Connaît l'outil nextcloud" in reasons


def test_a_topic_that_is_also_a_weak_dimension_is_counted_once():
    a = A("A", ["33"], ["75"], ["gestion"])
    both = rank([a], topics=["gestion"], weak_dimensions=["gestion"])
    topic_only = rank([a], topics=["gestion"])
    assert both == topic_only


def test_ties_are_ordered_by_name():
    names = ["élodie", "Bruno", "anne"]
    ranked = rank([A(n, ["33"], ["75"], ["gestion"]) for n in names], topics=["gestion"])
    assert [n for n, _ in ranked] == ["anne", "Bruno", "élodie"]
