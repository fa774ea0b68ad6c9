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

# The instance's logo is in the platform's header and its file was drawn (a file refused or
# missing is not). Pages outside the platform's layout (Django's admin) have no such header.
LOGO_DRAWN = """() => {
  if (!document.querySelector('.site-header .brand')) return true;
  const logo = document.querySelector('.site-header .brand-logo');
  return Boolean(logo && logo.complete && logo.naturalWidth > 0);
}"""


def demo_identity() -> None:
    """The demo's identity (its logo and short name beside the platform's name), as an instance
    set up by its CRESS has one."""
    from identity import services as identity
    from identity.management.commands.demo_identity import DEMO_IDENTITY
    from identity.models import SINGLETON_PK, InstanceIdentity

    InstanceIdentity.objects.create(pk=SINGLETON_PK, **DEMO_IDENTITY)
    identity.forget()


def logo_colours(page) -> tuple[float, float, float]:
    """Shares of the drawn logo's pixels in the demo logo's green, its yellow, and near black."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(page.locator(".brand-logo").screenshot())).convert("RGB")
    data = image.tobytes()
    pixels = [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]

    def share(rgb, tolerance=40):
        near = [
            p for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, rgb, strict=True))
        ]
        return len(near) / len(pixels)

    return share((0x0B, 0x5A, 0x48)), share((0xFF, 0xBF, 0x47)), share((0, 0, 0))


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
    from tests.advisers.factories import completed_diagnostic, live_consent
    from tests.ambassadors.factories import EventFactory
    from tests.factories import MembershipFactory
    from toolbox.models import Tool

    fill(cast)
    demo_identity()
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
    # The adviser's comparison of two clients (the matrix's has none chosen): A, whose access
    # the matrix gave, and a second client with a long name.
    other = MembershipFactory(
        organisation__name="Fédération des jardins partagés de la vallée", admin=True
    )
    completed_diagnostic(other.organisation, score=62.0)
    live_consent(other.organisation, cast.users["adviser_with"], by=other.user)
    clients = (
        reverse("advisers:compare")
        + "?"
        + urlencode({"o": [cast.org_a.pk, other.organisation.pk]}, doseq=True)
    )
    adviser_page = client_as("adviser_with").get(clients).content.decode()
    assert adviser_page.count('class="radar-chart"') == 2, "one radar a client: are both compared?"
    rendered["adviser_with"].append((clients, adviser_page))

    phone = Phone(browser, live_server)
    overflowing, shot, no_logo = {}, set(), []
    try:
        for role, pages in rendered.items():
            for path, html in pages:
                if problem := phone.show(path, html):
                    overflowing[f"{path} ({role})"] = problem
                if not phone.page.evaluate(LOGO_DRAWN):
                    no_logo.append(f"{path} ({role})")
                special = {
                    results: "resultats",
                    compare: "comparaison",
                    clients: "accompagnement-comparaison",
                }
                name = special.get(path) or SHOTS.get((resolve(path).view_name, role))
                if name:
                    shoot(phone.page, name)
                    shot.add(name)
    finally:
        phone.context.close()

    assert sum(len(pages) for pages in rendered.values()) > 300, "is the matrix filled?"
    assert shot == {*SHOTS.values(), "resultats", "comparaison", "accompagnement-comparaison"}
    assert no_logo == [], "the instance's logo is missing or broken"
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


def _signed_in_tab(browser, live_server, client_for, user, width: int):
    """A tab without script for a signed-in person, at the given width."""
    from django.conf import settings

    session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="fr-FR", java_script_enabled=False
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context, context.new_page()


# The entries of the main list (the account's own are inside "Mon compte").
ENTRY_TOPS = """() => [...document.querySelectorAll('.nav-menu > .nav > li')]
  .map((li) => Math.round(li.getBoundingClientRect().top))"""


@pytest.mark.parametrize("role", ["admin_a", "adviser_with", "cress_admin"])
def test_a_signed_in_header_keeps_to_one_line_on_a_wide_screen(
    browser, live_server, cast, client_for, role
):
    demo_identity()
    context, page = _signed_in_tab(browser, live_server, client_for, cast.users[role], 1280)
    try:
        page.goto(live_server.url + "/")
        nav = page.get_by_role("navigation", name="Navigation principale")
        tops = page.evaluate(ENTRY_TOPS)
        assert len(tops) >= 5 and len(set(tops)) == 1, f"the entries wrap: {tops}"
        height = page.locator(".header-row").bounding_box()["height"]
        assert height < 120, f"the header wraps: {height} px"
        # The logo as drawn: its green and yellow, no black box.
        green, yellow, black = logo_colours(page)
        assert green > 0.2 and yellow > 0.01 and black < 0.01, (green, yellow, black)
        # The account's entries drop down from "Mon compte", by keyboard too.
        profile = nav.get_by_role("link", name="Mon profil")
        assert not profile.is_visible()
        nav.locator("summary", has_text="Mon compte").focus()
        page.keyboard.press("Enter")
        assert profile.is_visible()
        assert nav.get_by_role("button", name="Se déconnecter").is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") in {
            "Mon organisation",
            "Observatoire",
            "Mon profil",
        }
        assert page.evaluate(OVERFLOW) is None

        # On a phone, one menu holds everything, the account's entries with the others.
        page.set_viewport_size(PHONE)
        page.goto(live_server.url + "/")
        assert not profile.is_visible()
        nav.locator("summary", has_text="Menu").click()
        assert profile.is_visible()
        assert not nav.locator("summary", has_text="Mon compte").is_visible()
        assert nav.get_by_role("button", name="Se déconnecter").is_visible()
        assert page.evaluate(OVERFLOW) is None
        green, yellow, black = logo_colours(page)
        assert green > 0.2 and yellow > 0.01 and black < 0.01, (green, yellow, black)
    finally:
        context.close()
