"""Every page on a phone: each GET page of the URL × role matrix (tests/test_authorisation_matrix)
that a role may read, in the matrix's world filled as the demo is (tests/rendered_pages.fill),
loaded in Chromium 375 px wide must not be wider than the screen. A failure names the page,
the role and the element reaching farthest to the right.

The same run writes screenshots at 375 and 1280 px of the main pages to artifacts/screenshots/
(git-ignored; CI keeps them as artifacts), to be looked at by a person.

    DEBUG=1 .venv/bin/pytest tests/browser/test_phone_layouts.py -q
"""

from urllib.parse import urlencode

import pytest
from django.urls import resolve, reverse

from tests.browser.conftest import SCREENSHOTS
from tests.conftest import ROLES
from tests.rendered_pages import _render, fill

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]

PHONE = {"width": 375, "height": 812}

# The document's width against the screen's and, when wider, the element reaching farthest to
# the right (the outermost of those that reach as far). Elements inside a box on the screen that
# clips or scrolls them (a table's scroll region) cannot widen the page: they are left out.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible'
          && p.getBoundingClientRect().right <= width + 0.5) return true;
    }
    return false;
  };
  let widest = null, right = width;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > right + 0.5 && !clipped(el)) { right = r.right; widest = el; }
  }
  const describe = (el) => {
    if (!el) return '?';
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (el.classList.length) name += '.' + [...el.classList].join('.');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return `${name} (${Math.round(el.getBoundingClientRect().width)} px wide, right edge at `
      + `${Math.round(right)} px) « ${text} »`;
  };
  return {width, scrollWidth, widest: describe(widest)};
}"""

# (URL name, role) → screenshot name: the pages named in issue 16's "Done when".
SHOTS = {
    ("home", "anonymous"): "accueil",
    ("maturity:section", "member_a"): "questionnaire-partie",
    ("maturity:roadmap", "member_a"): "feuille-de-route",
    ("toolbox:catalogue", "anonymous"): "catalogue",
    ("toolbox:tool_detail", "anonymous"): "fiche-outil",
    ("ambassadors:events", "anonymous"): "evenements",
    ("advisers:portfolio", "adviser_with"): "accompagnement-portefeuille",
    ("advisers:client", "adviser_with"): "accompagnement-client",
    ("advisers:prediagnostic", "adviser_with"): "accompagnement-prediagnostic",
    ("advisers:compare", "adviser_with"): "accompagnement-comparaison",
    ("organisation_members", "admin_a"): "membres",
}


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size(PHONE)


class Phone:
    """A phone-sized tab showing pages rendered by the test client (each row's objects are
    rolled back with its page, so the live server could not render it again) at their own
    address on the live server, with the platform's headers: the style sheets, scripts, logo
    and favicon come from the live server as in production."""

    def __init__(self, browser, live_server):
        self.base_url = live_server.url
        self.context = browser.new_context(viewport=PHONE, locale="fr-FR")
        self.page = self.context.new_page()
        self.headers = {
            key: value
            for key, value in self.page.request.get(self.base_url + "/").headers.items()
            if key.startswith(("content-security-policy", "x-content-type", "referrer-policy"))
        }
        self.document: tuple[str, str] = ("", "")
        self.page.route("**/*", self._serve)

    def _serve(self, route):
        url, html = self.document
        if route.request.resource_type == "document" and route.request.url == url:
            headers = {**self.headers, "content-type": "text/html; charset=utf-8"}
            route.fulfill(status=200, headers=headers, body=html)
        else:
            route.continue_()

    def show(self, path: str, html: str):
        self.document = (self.base_url + path, html)
        self.page.goto(self.base_url + path)
        return self.page.evaluate(OVERFLOW)


def test_every_page_fits_a_phone_screen(browser, live_server, cast, client_as):
    from ambassadors.models import Event
    from maturity.models import Diagnostic
    from tests.ambassadors.factories import EventFactory
    from toolbox.models import Tool

    fill(cast)
    # Coming events, so that the events page and the ambassador's space list some (the matrix's
    # world has none beyond each row's own).
    EventFactory(
        title="Atelier : choisir des outils libres pour l’association",
        organiser=cast.ambassador.user,
    )
    EventFactory(
        title="Webinaire : sauvegarder les données des bénévoles",
        kind=Event.Kind.WEBINAIRE,
        online=True,
        organiser=cast.ambassador.user,
    )
    rendered = {role: _render(cast, client_as, role) for role in ROLES}
    # The results of A's completed diagnostic (the matrix's diagnostic is still in progress).
    done = Diagnostic.objects.get(organisation=cast.org_a, status="completed")
    results = reverse("maturity:results", args=[done.pk])
    rendered["member_a"].append((results, client_as("member_a").get(results).content.decode()))
    # Three tools side by side (the matrix's comparison has none chosen yet).
    slugs = Tool.objects.filter(status="published").order_by("name").values_list("slug", flat=True)
    compare = reverse("toolbox:compare") + "?" + urlencode({"outils": slugs[:3]}, doseq=True)
    rendered["anonymous"].append((compare, client_as("anonymous").get(compare).content.decode()))

    phone = Phone(browser, live_server)
    overflowing, shot = {}, set()
    try:
        for role, pages in rendered.items():
            for path, html in pages:
                if problem := phone.show(path, html):
                    overflowing[f"{path} ({role})"] = problem
                name = {results: "resultats", compare: "comparaison"}.get(path) or SHOTS.get(
                    (resolve(path).view_name, role)
                )
                if name:
                    shoot(phone.page, name)
                    shot.add(name)
    finally:
        phone.context.close()

    assert sum(len(pages) for pages in rendered.values()) > 300, "is the matrix filled?"
    assert shot == {*SHOTS.values(), "resultats", "comparaison"}
    assert overflowing == {}, "\n".join(
        f"{where}: document {p['scrollWidth']} px for a {p['width']} px screen, widest: "
        f"{p['widest']}"
        for where, p in overflowing.items()
    )


def test_header_is_a_menu_on_a_phone_and_a_list_on_a_wide_screen(browser, live_server, cast):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        nav = page.get_by_role("navigation", name="Navigation principale")
        catalogue = nav.get_by_role("link", name="Boîte à outils")
        assert not catalogue.is_visible()  # folded into the menu
        # Keyboard: the skip link, the brand, then the menu, opened with Enter; focus shows.
        for _ in range(3):
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        page.keyboard.press("Enter")
        assert catalogue.is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Boîte à outils"
        assert page.evaluate(OVERFLOW) is None

        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(live_server.url + "/")
        assert catalogue.is_visible()
        assert not nav.locator("summary").is_visible()
        height = page.locator(".site-header").bounding_box()["height"]
        assert height < 120, f"the header wraps: {height} px"
    finally:
        context.close()
