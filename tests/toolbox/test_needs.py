"""Tools matched by need: the vocabulary, each tool's needs, tools_for_needs, and the pages."""

import csv
import io
import re
import textwrap

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import UserFactory
from tests.pages import readable
from tests.toolbox.factories import HostingOfferFactory, ToolFactory, needs
from toolbox import opendata
from toolbox.models import HostingOffer, Need, Proposal, Tool
from toolbox.services import vocabulary

pytestmark = pytest.mark.django_db

NEED_CODES = [
    "sauvegarde", "mots_de_passe", "vote_secret", "sondage_dates", "decision_collective",
    "comptabilite_associative", "partage_depenses", "gestion_adhesions", "gestion_relation",
    "collecte_dons", "billetterie_vente", "lettre_information", "reseau_social",
    "messagerie_equipe", "email", "liste_diffusion", "visioconference", "webinaire",
    "stockage_partage", "transfert_fichiers", "edition_collaborative", "bureautique", "site_web",
    "wiki_documentation", "agenda_partage", "gestion_taches", "formulaires", "evenements",
    "video_audio", "mesure_audience", "cartographie", "tableur_base", "support_usagers", "forum",
    "auto_hebergement",
]  # fmt: skip


def names(tools) -> list[str]:
    return [tool.name for tool in tools]


# --- The curated catalogue ------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    call_command("load_toolbox", verbosity=0)


def test_every_need_has_a_published_tool_that_the_matching_finds(catalogue):
    assert set(NEED_CODES) <= vocabulary.known_need_codes()
    found = vocabulary.tools_for_needs(sorted(vocabulary.known_need_codes()), per_need=1)
    assert [code for code, tools in found.items() if not tools] == []


def test_misfiled_tools_no_longer_answer_needs_they_do_not_serve(catalogue):
    found = vocabulary.tools_for_needs(
        [
            "comptabilite_associative", "sauvegarde", "vote_secret", "messagerie_equipe",
            "collecte_dons", "reseau_social", "stockage_partage", "partage_depenses",
            "transfert_fichiers", "mots_de_passe",
        ],
        per_need=50,
    )  # fmt: skip
    assert "IHateMoney" not in names(found["comptabilite_associative"])
    assert {"Paheko", "Dolibarr"} <= set(names(found["comptabilite_associative"]))
    assert names(found["partage_depenses"]) == ["IHateMoney"]
    assert not {"Lufi", "Plik", "CryptPad", "Nextcloud"} & set(names(found["sauvegarde"]))
    assert found["sauvegarde"]
    assert not {"Lufi", "Plik"} & set(names(found["stockage_partage"]))
    assert set(names(found["transfert_fichiers"])) == {"Lufi", "Plik"}
    assert "Belenios" in names(found["vote_secret"])
    assert not {"Framadate", "Rallly", "Yakforms"} & set(names(found["vote_secret"]))
    assert not {"Roundcube", "Thunderbird"} & set(names(found["messagerie_equipe"]))
    assert "Mattermost" in names(found["messagerie_equipe"])
    assert not {"Keila", "phpList", "Listmonk", "Pixelfed"} & set(names(found["collecte_dons"]))
    assert not {"Grav", "SPIP", "WordPress"} & set(names(found["reseau_social"]))
    assert "Pixelfed" in names(found["reseau_social"])
    assert {"KeePassXC", "Vaultwarden"} <= set(names(found["mots_de_passe"]))


def test_corrected_facts_of_the_catalogue(catalogue):
    assert Tool.objects.get(slug="umap").licence_spdx == "AGPL-3.0-or-later"
    assert Tool.objects.get(slug="ihatemoney").needs == ["partage_depenses"]
    mattermost = Tool.objects.get(slug="mattermost")
    assert mattermost.licence_status == "open_core"
    assert mattermost.offers.filter(name="Framateam").exists()
    belenios = Tool.objects.get(slug="belenios")
    assert belenios.is_libre and belenios.offers.exists()


def test_hosting_offers_reach_sixty_over_thirty_five_tools(catalogue):
    assert HostingOffer.objects.count() >= 60
    hosted = HostingOffer.objects.filter(tool__status="published").values("tool").distinct()
    assert hosted.count() >= 35


def test_loading_twice_changes_nothing(catalogue):
    counts = (Need.objects.count(), Tool.history.count(), HostingOffer.history.count())
    call_command("load_toolbox", verbosity=0)
    assert (Need.objects.count(), Tool.history.count(), HostingOffer.history.count()) == counts


def test_loading_keeps_the_vocabulary_in_file_order_and_updates_labels(catalogue):
    Need.objects.filter(code="vote_secret").update(label="Ancien libellé", position=99)
    call_command("load_toolbox", verbosity=0)
    assert vocabulary.need_label("vote_secret") == "Vote à bulletin secret"
    assert list(vocabulary.need_labels())[:3] == ["sauvegarde", "mots_de_passe", "vote_secret"]


def test_a_tool_naming_an_unknown_need_stops_the_load(tmp_path):
    path = tmp_path / "toolbox.yaml"
    path.write_text(
        textwrap.dedent(
            """
            needs:
              - {code: sauvegarde, label: Sauvegarde}
            providers: []
            offers: []
            tools:
              - slug: outil
                name: Outil
                summary: Un outil.
                usages: []
                needs: [sauvegarde, sauvgarde]
                licence: MIT
                licence_status: libre
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="sauvgarde"):
        call_command("load_toolbox", file=str(path), verbosity=0)
    assert not Tool.objects.exists() and not Need.objects.exists()


# --- tools_for_needs: order, filters, queries ----------------------------------------------


@pytest.fixture
def backup_tools(db):
    needs("sauvegarde", "vote_secret")
    hosted = ToolFactory(name="Libre hébergé", needs=["sauvegarde"], ease=3)
    HostingOfferFactory(tool=hosted)
    ToolFactory(name="Libre facile", needs=["sauvegarde"], ease=1)
    ToolFactory(name="Libre en observation", needs=["sauvegarde"], recommendation="watch")
    open_core = ToolFactory(name="Cœur ouvert", needs=["sauvegarde"], licence_status="open_core")
    HostingOfferFactory(tool=open_core)
    proprietary = ToolFactory(name="Propriétaire", needs=["sauvegarde"], proprietary=True, ease=1)
    HostingOfferFactory(tool=proprietary)
    ToolFactory(name="Plus recommandé", needs=["sauvegarde"], recommendation="not_recommended")
    ToolFactory(name="Brouillon", needs=["sauvegarde"], draft=True)
    ToolFactory(name="Archivé", needs=["sauvegarde"], status="archived")
    ToolFactory(name="Autre besoin", needs=["vote_secret"])


def test_libre_first_then_hosted_then_opinion_then_ease(backup_tools):
    found = vocabulary.tools_for_needs(["sauvegarde"], per_need=10)
    assert names(found["sauvegarde"]) == [
        "Libre hébergé",  # libre and hosted, even if harder
        "Libre facile",  # libre, recommended, easiest
        "Libre en observation",
        "Cœur ouvert",
        "Propriétaire",
    ]


def test_tools_replacing_what_the_organisation_uses_come_first_among_equals(backup_tools):
    ToolFactory(name="Libre qui remplace", needs=["sauvegarde"], ease=3, replaces=["Dropbox"])
    found = vocabulary.tools_for_needs(["sauvegarde"], replaces=["DROPBOX"], per_need=3)
    # Behind the hosted libre tool (an offer ranks before the inventory), ahead of easier ones.
    assert names(found["sauvegarde"]) == ["Libre hébergé", "Libre qui remplace", "Libre facile"]


def test_each_need_gets_its_own_short_list_and_unknown_codes_an_empty_one(backup_tools):
    found = vocabulary.tools_for_needs(["vote_secret", "sauvegarde", "inconnu", "x'; --"])
    assert list(found) == ["vote_secret", "sauvegarde", "inconnu", "x'; --"]
    assert names(found["vote_secret"]) == ["Autre besoin"]
    assert len(found["sauvegarde"]) == 3
    assert found["inconnu"] == [] and found["x'; --"] == []
    assert vocabulary.tools_for_needs([]) == {}


@pytest.mark.parametrize("count", [1, 25])
def test_two_queries_whatever_the_number_of_needs(backup_tools, django_assert_num_queries, count):
    codes = ["sauvegarde", "vote_secret"] + [f"besoin_{n}" for n in range(count)]
    with django_assert_num_queries(2):
        found = vocabulary.tools_for_needs(codes, replaces=["Dropbox"])
        for tools in found.values():
            for tool in tools:
                list(tool.replaces.all())
                assert tool.offer_count >= 0


def test_need_helpers(db):
    needs("sauvegarde")
    assert vocabulary.need_label("sauvegarde") == "Sauvegarde"
    assert vocabulary.need_label("inconnu") == "inconnu"
    assert vocabulary.known_need_codes() == {"sauvegarde"}


# --- Validation -----------------------------------------------------------------------------


def test_a_tool_refuses_needs_the_vocabulary_does_not_have(db):
    needs("sauvegarde")
    tool = ToolFactory(name="Outil", needs=["sauvegarde", "sauvgarde"])
    with pytest.raises(ValidationError) as excinfo:
        tool.full_clean()
    assert "Besoin inconnu : sauvgarde." in str(excinfo.value)
    tool.needs = ["sauvegarde"]
    tool.full_clean()


def test_a_proposal_names_needs_and_an_unknown_one_is_refused_clearly(client):
    needs("visioconference", "webinaire")
    client.force_login(UserFactory())
    data = {
        "name": "Galène",
        "summary": "Visioconférence légère.",
        "usages": ["visio"],
        "needs": ["visioconference", "inconnu"],
        "licence_spdx": "MIT",
        "licence_status": "libre",
        "deployments": ["self_hosted"],
        "ease": "3",
    }
    response = client.post(reverse("toolbox:propose_tool"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "« inconnu » n'est pas un besoin connu" in readable(body)
    # What was typed is kept: the known need stays checked.
    assert re.search(r'name="needs" value="visioconference"[^>]*checked', body)
    data["needs"] = ["visioconference"]
    assert client.post(reverse("toolbox:propose_tool"), data).status_code == 302
    assert Proposal.objects.get().payload["needs"] == ["visioconference"]


# --- Pages ----------------------------------------------------------------------------------


def test_tool_page_shows_needs_linked_to_the_catalogue_filter(client):
    needs("visioconference")
    tool = ToolFactory(name="Jitsi Meet", needs=["visioconference"])
    body = client.get(reverse("toolbox:tool_detail", args=[tool.slug])).content.decode()
    assert '<a href="/outils/?besoin=visioconference">Visioconference</a>' in body


def test_catalogue_filters_by_need(client):
    needs("vote_secret", "sondage_dates")
    ToolFactory(name="Belenios", needs=["vote_secret"])
    ToolFactory(name="Framadate", needs=["sondage_dates"])
    body = client.get(reverse("toolbox:catalogue"), {"besoin": "vote_secret"}).content.decode()
    assert ">1 outil</h2>" in body
    assert "Belenios" in body and ">Framadate<" not in body
    assert "<legend>Besoins</legend>" in body


def test_open_data_exports_needs_and_an_old_file_keeps_them(client):
    needs("visioconference", "webinaire")
    tool = ToolFactory(name="BigBlueButton", needs=["visioconference", "webinaire"])
    rows = list(csv.DictReader(io.StringIO(opendata.tools_csv())))
    assert rows[0]["needs"] == "visioconference|webinaire"
    # A file made before needs existed: the column is absent, the tool keeps its needs.
    old = [{k: v for k, v in row.items() if k != "needs"} for row in rows]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(old[0]))
    writer.writeheader()
    writer.writerows(old)
    report = opendata.run_import(out.getvalue().replace("BigBlueButton,", "BBB,", 1), commit=True)
    assert report.errors == []
    tool.refresh_from_db()
    assert tool.name == "BBB" and tool.needs == ["visioconference", "webinaire"]
    page = client.get(reverse("toolbox:opendata")).content.decode()
    assert "<code>webinaire</code>" in page


def test_import_reports_an_unknown_need(db):
    needs("visioconference")
    ToolFactory(name="Galène", needs=["visioconference"])
    text = opendata.tools_csv().replace("visioconference", "visioconferance")
    report = opendata.run_import(text, commit=True)
    assert not report.imported
    assert "« visioconferance » n'est pas un besoin connu" in report.errors[0].messages[0]


def test_cress_admins_curate_needs_without_deleting_them(client):
    needs("sauvegarde")
    client.force_login(UserFactory(cress_admin=True))
    need = Need.objects.get()
    assert client.get(reverse("admin:toolbox_need_changelist")).status_code == 200
    change = client.get(reverse("admin:toolbox_need_change", args=[need.pk]))
    assert change.status_code == 200
    assert 'name="code"' not in change.content.decode()  # the code never changes
    assert client.get(reverse("admin:toolbox_need_delete", args=[need.pk])).status_code == 403
    tool = ToolFactory(name="Duplicati", needs=["sauvegarde"])
    page = client.get(reverse("admin:toolbox_tool_change", args=[tool.pk])).content.decode()
    assert 'name="needs" value="sauvegarde"' in page
