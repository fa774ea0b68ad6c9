"""EcoIndex of the platform's main pages, measured in Debian's Chromium with our own
implementation of the published formula (cnumr/EcoIndex method; the reference package is not
used because its licence forbids derivative works).

    DEBUG=1 .venv/bin/python bench/ecoindex.py          # loads demo data in a throwaway database

Protocol: empty profile and cache, 1920×1080, load, wait, scroll to the bottom, wait;
requests = finished network loads; size = encoded bytes transferred (KB = bytes / 1000);
DOM = all elements except those inside <svg>.
"""

from bisect import bisect_right

Q_DOM = [
    0,
    47,
    75,
    159,
    233,
    298,
    358,
    417,
    476,
    537,
    603,
    674,
    753,
    843,
    949,
    1076,
    1237,
    1459,
    1801,
    2479,
    594601,
]
Q_REQ = [0, 2, 15, 25, 34, 42, 49, 56, 63, 70, 78, 86, 95, 105, 117, 130, 147, 170, 205, 281, 3920]
Q_SIZE = [
    0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32, 1648.27,
    1876.08, 2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54, 223212.26,
]  # fmt: skip


def quantile(quantiles: list[float], value: float) -> float:
    """Position of value among the quantiles: i-1 + (v - Q[i-1]) / (Q[i] - Q[i-1]) for the first
    i with v < Q[i]; 20 beyond the last quantile."""
    i = bisect_right(quantiles, value)
    if i >= len(quantiles):
        return 20.0
    return i - 1 + (value - quantiles[i - 1]) / (quantiles[i] - quantiles[i - 1])


def score(dom: int, requests: int, size_kb: float) -> int:
    q_dom, q_req, q_size = (
        quantile(Q_DOM, dom),
        quantile(Q_REQ, requests),
        quantile(Q_SIZE, size_kb),
    )
    return round(100 - 5 * (3 * q_dom + 2 * q_req + q_size) / 6)


def grade(value: int) -> str:
    for letter, threshold in (("A", 80), ("B", 70), ("C", 55), ("D", 40), ("E", 25), ("F", 10)):
        if value > threshold:
            return letter
    return "G"


MEASURE_JS = """() => {
  const all = document.getElementsByTagName('*').length;
  const inSvg = document.querySelectorAll('svg *').length;
  return all - inSvg;
}"""


def measure(browser, url: str, cookies: list | None = None) -> dict:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    transferred = {"bytes": 0, "requests": 0}

    def finished(event):
        transferred["bytes"] += event.get("encodedDataLength", 0)
        transferred["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    response = page.goto(url, wait_until="load")
    page.wait_for_timeout(500)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(500)
    dom = page.evaluate(MEASURE_JS)
    context.close()
    size_kb = transferred["bytes"] / 1000
    value = score(dom, transferred["requests"], size_kb)
    return {
        "status": response.status,
        "dom": dom,
        "requests": transferred["requests"],
        "size_kb": round(size_kb, 1),
        "score": value,
        "grade": grade(value),
    }


def main() -> None:  # pragma: no cover - run by hand, figures go to the README
    import os
    import sys
    import tempfile
    import threading
    from pathlib import Path
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DEBUG"] = "1"
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{tempfile.gettempdir()}/bench-ecoindex.sqlite3"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    call_command("migrate", verbosity=0)
    call_command("demo_data", verbosity=0)

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    from maturity.models import Diagnostic, Respondent
    from toolbox.models import Tool

    def cookies_of(email: str) -> list[dict]:
        user = get_user_model().objects.get(email=email)
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "accounts.backends.RolesModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base}]

    from django.urls import reverse

    from ambassadors.models import Event

    user = get_user_model().objects.get(email="autre@example.org")
    cookies = cookies_of(user.email)
    diagnostic = Diagnostic.objects.filter(
        organisation__memberships__user=user, status="completed"
    ).first()
    respondent = Respondent.objects.filter(user=user).first()
    tool = Tool.objects.filter(status="published").first()
    compared = [t for t in Tool.objects.filter(status="published") if "stockage" in t.usages][:3]
    event = Event.objects.filter(audience="public").order_by("starts_at").first()
    pages = [
        ("Accueil", "/", None),
        ("Inscription", "/compte/signup/", None),
        ("Boîte à outils", "/outils/", None),
        ("Boîte à outils (filtrée)", "/outils/?usage=stockage&q=fichiers", None),
        ("Fiche outil", f"/outils/{tool.slug}/", None),
        (
            "Comparaison (3 outils)",
            reverse("toolbox:compare") + "?" + "&".join(f"outils={t.slug}" for t in compared),
            None,
        ),
        ("Annuaire des ambassadeur·rices", "/communaute/", None),
        ("Événements", "/communaute/evenements/", None),
        ("Fiche événement", event.get_absolute_url(), None),
        (
            "Portefeuille du·de la conseiller·e",
            reverse("advisers:portfolio"),
            cookies_of("conseil@example.org"),
        ),
        ("Observatoire", reverse("advisers:observatory"), cookies_of("cress@example.org")),
        (
            "Partie du diagnostic",
            f"/diagnostic/repondre/{respondent.pk}/partie/securite_rgpd/",
            cookies,
        ),
        ("Résultats", f"/diagnostic/{diagnostic.pk}/resultats/", cookies),
        (
            "Feuille de route",
            f"/diagnostic/organisation/{diagnostic.organisation_id}/feuille-de-route/",
            cookies,
        ),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        print("| page | DOM | requêtes | poids (ko) | EcoIndex | note |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, path, page_cookies in pages:
            m = measure(browser, base + path, page_cookies)
            print(
                f"| {name} | {m['dom']} | {m['requests']} | {m['size_kb']} | {m['score']} | {m['grade']} |"
            )
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
