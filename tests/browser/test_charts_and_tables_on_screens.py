"""Charts and tables as they are drawn, at 1280 and 375 px, where a check of the page's width
(test_phone_layouts) cannot see them: text cut at a drawing's edge, a table clipped inside its
scroll region, a card squeezed beside a bullet.

    DEBUG=1 .venv/bin/pytest tests/browser/test_charts_and_tables_on_screens.py -q
"""

import pytest
from django.urls import reverse

from tests.browser.test_phone_layouts import _signed_in_tab

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]

# Each text of the SVG charts matching the selector whose box (as the browser lays the text
# out) leaves its drawing's viewBox: [text, its box, the viewBox].
TEXT_OUTSIDE = """(selector) => {
  const out = [];
  for (const svg of document.querySelectorAll(selector)) {
    const v = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll('text')) {
      if (getComputedStyle(text).display === 'none') continue;
      const b = text.getBBox();
      if (b.x < v.x - 0.5 || b.y < v.y - 0.5 || b.x + b.width > v.x + v.width + 0.5
          || b.y + b.height > v.y + v.height + 0.5) {
        out.push([text.textContent, [b.x, b.y, b.width, b.height], [v.x, v.y, v.width, v.height]]);
      }
    }
  }
  return out;
}"""

# The height on screen of the charts' 1 em (their font-size, scaled with the drawing).
EM_ON_SCREEN = """(selector) => [...document.querySelectorAll(selector)].map((svg) =>
  svg.getBoundingClientRect().width / svg.viewBox.baseVal.width
  * parseFloat(svg.getAttribute('font-size')))"""

# The cells of a table (by its caption's id) whose text runs onto more than one line.
CELLS_ON_SEVERAL_LINES = """(captionId) => {
  const table = document.getElementById(captionId).closest('table');
  return [...table.querySelectorAll('td')].filter((td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
  }).map((td) => td.textContent);
}"""

# Whether a table's scroll region (by its caption's id) has anything hidden to the right.
REGION_SCROLLS = """(captionId) => {
  const region = document.querySelector(`[aria-labelledby="${captionId}"]`);
  return region.scrollWidth > region.clientWidth + 1;
}"""


@pytest.fixture
def world(client_for):
    """Five organisations of one sector with a completed diagnostic (the first one's admin
    also has a diagnostic in progress with a guest), a validated ambassador, a DLA adviser and
    a CRESS admin."""
    from maturity import services as maturity_services
    from tests.advisers.factories import completed_diagnostic
    from tests.ambassadors.factories import AmbassadorFactory
    from tests.factories import (
        AdviserProfileFactory,
        MembershipFactory,
        OrganisationFactory,
        UserFactory,
    )
    from tests.maturity.factories import diagnostic_with_respondent

    admin = MembershipFactory(admin=True, organisation=OrganisationFactory(sector="culture"))
    done = completed_diagnostic(admin.organisation, score=64.0)
    for score in (22.0, 41.0, 58.0, 77.0):
        completed_diagnostic(OrganisationFactory(sector="culture"), score=score)
    current, _respondent = diagnostic_with_respondent(membership=admin)
    maturity_services.invite_guest(
        diagnostic=current, name="Awa Diallo", email="", role_label="Trésorière", by=admin.user
    )
    AmbassadorFactory()
    adviser = AdviserProfileFactory()
    return {
        "admin": admin,
        "done": done,
        "current": current,
        "adviser": adviser,
        "cress": UserFactory(cress_admin=True),
    }


def test_the_results_radar_and_its_key_fit_at_1280(browser, live_server, client_for, world):
    context, page = _signed_in_tab(browser, live_server, client_for, world["admin"].user, 1280)
    try:
        page.goto(live_server.url + reverse("maturity:results", args=[world["done"].pk]))
        assert page.evaluate(TEXT_OUTSIDE, "svg.radar-chart") == []
        labels = page.locator(".radar-labels text")
        assert labels.count() == len(world["done"].snapshot.data["dimensions"])
        assert "…" not in page.locator(".radar-labels").text_content()
        key = page.locator(".chart-key")
        assert key.is_visible()
        assert "Votre organisation (trait plein vert)" in key.text_content()
        assert "Médiane des organisations comparables (tirets orange)" in key.text_content()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_observatory_charts_fit_and_read_at_every_width(
    browser, live_server, client_for, world, width
):
    context, page = _signed_in_tab(browser, live_server, client_for, world["cress"], width)
    try:
        page.goto(live_server.url + reverse("advisers:observatory"))
        assert page.locator("svg.bar-chart").count() >= 2
        assert page.evaluate(TEXT_OUTSIDE, "svg.bar-chart") == []
        # Text about 13 px high on a phone, 15 px on a wide screen.
        assert min(page.evaluate(EM_ON_SCREEN, "svg.bar-chart")) >= 12.5
        # "7 (58 %)": a count and its share never part.
        assert page.evaluate(CELLS_ON_SEVERAL_LINES, "table-observatory-2") == []
    finally:
        context.close()


def test_the_respondents_table_is_one_card_each_on_a_phone(browser, live_server, client_for, world):
    context, page = _signed_in_tab(browser, live_server, client_for, world["admin"].user, 375)
    try:
        page.goto(
            live_server.url + reverse("maturity:diagnostic_detail", args=[world["current"].pk])
        )
        assert not page.evaluate(REGION_SCROLLS, "table-diagnostic-detail-1")
        card = page.locator("tr", has_text="Awa Diallo")
        # Each cell led by its column's name.
        assert card.locator("td").evaluate_all(
            "(tds) => tds.map((td) => getComputedStyle(td, '::before').content)"
        ) == ['"Personne"', '"Avancement"', '"Réponses individuelles"', '"Actions"']
        link = card.get_by_role("button", name="Désactiver le lien Awa Diallo")
        assert link.is_visible() and link.bounding_box()["x"] + link.bounding_box()["width"] <= 375
    finally:
        context.close()


def test_the_cress_can_withdraw_an_ambassador_from_a_phone(browser, live_server, client_for, world):
    context, page = _signed_in_tab(browser, live_server, client_for, world["cress"], 375)
    try:
        page.goto(live_server.url + reverse("ambassadors:cress"))
        assert not page.evaluate(REGION_SCROLLS, "table-cress-2")
        for control in (
            page.get_by_placeholder("Motif (facultatif)"),
            page.get_by_role("button", name="Retirer"),
        ):
            box = control.first.bounding_box()
            assert control.first.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 375
    finally:
        context.close()


def test_a_found_adviser_is_a_full_width_card_on_a_phone(browser, live_server, client_for, world):
    context, page = _signed_in_tab(browser, live_server, client_for, world["admin"].user, 375)
    try:
        url = reverse("advisers:consents", args=[world["admin"].organisation.pk])
        page.goto(f"{live_server.url}{url}?q={world['adviser'].structure.name}")
        result = page.locator("ul.card-list > li.card")
        assert result.count() == 1
        assert result.evaluate("(li) => getComputedStyle(li).listStyleType") == "none"
        main = page.locator("main").bounding_box()
        assert result.bounding_box()["width"] >= main["width"] - 40
        text = page.locator("blockquote.consent-text")
        assert text.bounding_box()["width"] >= 260
    finally:
        context.close()
