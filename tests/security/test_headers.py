"""Security headers on every kind of page, in development and with production settings."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from config.urls import urlpatterns as site_urlpatterns

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("planned failure")


# A URL conf with one failing view, to see the 500 page's headers.
urlpatterns = [*site_urlpatterns, path("panne-de-test/", boom)]

HEADERS_CHECKED = [
    "Content-Security-Policy",
    "Referrer-Policy",
    "Permissions-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
]


def assert_secure_headers(response, label):
    csp = response.get("Content-Security-Policy", "")
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives.get("default-src") == "'none'", f"{label}: {csp}"
    assert directives.get("frame-ancestors") == "'none'", label
    assert directives.get("object-src") == "'none'", label
    assert directives.get("base-uri") == "'none'", label
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, label
    for directive, sources in directives.items():
        assert "*" not in sources.split() and "http:" not in sources, f"{label}: {directive}"
    assert response["Referrer-Policy"] == "same-origin", label
    assert "camera=()" in response["Permissions-Policy"], label
    assert "geolocation=()" in response["Permissions-Policy"], label
    assert response["X-Content-Type-Options"] == "nosniff", label
    assert response["X-Frame-Options"] == "DENY", label
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", label


def assert_no_inline_code(response, label):
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode()
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert inline_scripts == [], f"{label}: inline script"
    assert not re.search(r"<style\b", html, flags=re.I), f"{label}: inline <style>"
    assert not re.search(r"\sstyle=", html, flags=re.I), f"{label}: style attribute"
    assert not re.search(r"\son[a-z]+=", html, flags=re.I), f"{label}: event handler attribute"


def page_types(cast):
    from tests.maturity.authz_rows import world

    maturity = world(cast)
    admin_a, member_a = cast.users["admin_a"], cast.users["member_a"]
    a = cast.org_a.pk
    return [
        ("public page", None, "get", reverse("home"), {}, 200),
        ("public page (privacy)", None, "get", reverse("privacy"), {}, 200),
        ("login form", None, "get", reverse("account_login"), {}, 200),
        ("authenticated page", admin_a, "get", reverse("organisation_detail", args=[a]), {}, 200),
        ("authenticated form", admin_a, "get", reverse("organisation_erase", args=[a]), {}, 200),
        (
            "htmx partial",
            None,
            "get",
            reverse("ambassadors:directory"),
            {"HTTP_HX_REQUEST": "true"},
            200,
        ),
        ("zip download", admin_a, "get", reverse("organisation_export", args=[a]), {}, 200),
        (
            "pdf download",
            admin_a,
            "get",
            reverse("maturity:pdf_download", args=[a, maturity.export.pk]),
            {},
            200,
        ),
        ("redirect", None, "get", reverse("profile"), {}, 302),
        ("error 403", member_a, "get", reverse("organisation_edit", args=[a]), {}, 403),
        ("error 404", admin_a, "get", "/cette-page-n-existe-pas/", {}, 404),
        (
            "error 404 (other tenant)",
            member_a,
            "get",
            reverse("organisation_detail", args=[cast.org_b.pk]),
            {},
            404,
        ),
        ("error 405", admin_a, "get", reverse("invitation_create", args=[a]), {}, 405),
        ("error 500", None, "get", "/panne-de-test/", {}, 500),
    ]


@override_settings(ROOT_URLCONF=__name__)
def test_every_page_type_sends_the_security_headers_and_no_inline_code(cast):
    checked = 0
    for label, user, method, url, extra, status in page_types(cast):
        client = Client(raise_request_exception=False)
        if user:
            client.force_login(user)
        response = getattr(client, method)(url, **extra)
        # Reading a streamed file to its end closes it (the test client's own wrapper).
        content = b"".join(response.streaming_content) if response.streaming else b""
        assert response.status_code == status, label
        if status == 200 and "download" in label:
            assert content or response.content, label
        assert_secure_headers(response, label)
        assert_no_inline_code(response, label)
        checked += 1
    assert checked == 14


def test_the_lockout_page_sends_the_security_headers(cast):
    client = Client()
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "personne@example.org", "password": "faux"}
        )
    assert response.status_code == 429
    assert_secure_headers(response, "lockout 429")
    assert_no_inline_code(response, "lockout 429")


PRODUCTION_SCRIPT = textwrap.dedent(
    """
    import django, json
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from allauth.account.models import EmailAddress
    from accounts.models import User
    from django.test import Client
    user = User.objects.create_user("prod@example.org", "un-mot-de-passe-solide-42")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client = Client(HTTP_HOST="boussole.example.org")
    out = {}
    plain = client.get("/compte/connexion/")
    out["plain_status"] = plain.status_code
    out["plain_location"] = plain.get("Location", "")
    page = client.get("/compte/connexion/", secure=True)
    out["headers"] = dict(page.headers)
    out["csrf_cookie"] = {k: v.output() for k, v in page.cookies.items()}
    login = client.post(
        "/compte/connexion/",
        {"login": user.email, "password": "un-mot-de-passe-solide-42"},
        secure=True,
        HTTP_REFERER="https://boussole.example.org/compte/connexion/",
    )
    out["login_status"] = login.status_code
    out["login_cookies"] = {k: v.output() for k, v in login.cookies.items()}
    print("RESULT" + json.dumps(out))
    """
)


def test_production_settings_send_hsts_and_host_prefixed_secure_cookies(tmp_path):
    from tests.test_settings import PRODUCTION_ENV, deployment_environ

    login_path = reverse("account_login")
    env = deployment_environ(
        **{
            **PRODUCTION_ENV,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        },
        DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
        # Headers and cookies are under test, not static files (collected at deployment).
        STATIC_MANIFEST="0",
    )
    script = PRODUCTION_SCRIPT.replace("/compte/connexion/", login_path)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    import json

    out = json.loads(done.stdout.split("RESULT", 1)[1])
    # Plain HTTP is sent to HTTPS.
    assert out["plain_status"] == 301
    assert out["plain_location"].startswith("https://")
    headers = out["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    csrf = out["csrf_cookie"]["__Host-csrftoken"]
    assert "Secure" in csrf and "Path=/" in csrf and "Domain" not in csrf
    assert out["login_status"] == 302
    session = out["login_cookies"]["__Host-sessionid"]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in session
    assert "Domain" not in session
