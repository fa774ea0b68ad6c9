"""The login lockout through a real reverse proxy: Debian's nginx, configured as the README
says, in front of gunicorn with the production settings (DEBUG=0, BEHIND_TLS_PROXY=1,
config/gunicorn.py), on the test's PostgreSQL database and Redis.

Two clients connect from different loopback addresses (any 127.x.y.z is local on Linux):
one is locked out, the other still logs in, and a client's own X-Forwarded-For does not
choose the address it is counted under.
"""

import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing, contextmanager, suppress
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import ScryptPasswordHasher
from django.urls import reverse

from tests.factories import UserFactory
from tests.workers import test_database_url

ROOT = Path(__file__).resolve().parent.parent.parent
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
HOST = "boussole.test"
PASSWORD = "un-mot-de-passe-solide-42"

pytestmark = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL not set"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="gunicorn must reach the test database",
    ),
    pytest.mark.skipif(not NGINX, reason="nginx is not installed (apt-get install nginx)"),
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]

# The proxy as the README describes it, with its own files in a temporary folder. It speaks
# plain HTTP here and stands in for TLS termination by sending X-Forwarded-Proto: https.
NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
        }}
    }}
}}
"""


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def process(args, *, log_path: Path, env=None):
    """Run a server in its own process group; stop it and every child it started."""
    log = log_path.open("w")
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)  # a quick shutdown for both gunicorn and nginx
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # any worker left behind
        log.close()


class Client:
    """A browser at one loopback address, keeping its cookies."""

    def __init__(self, port: int, address: str):
        self.port, self.address = port, address
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = {"Host": HOST, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.address, 0)
        )
        with closing(conn):
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text

    def login(self, email, password, forwarded_for=None) -> int:
        path = reverse("account_login")
        status, page = self.request("GET", path)
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{HOST}",
        }
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        body = urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token})
        return self.request("POST", path, body, headers)[0]


@pytest.fixture
def proxied_site(tmp_path, transactional_db):
    """The port of nginx in front of a production-configured gunicorn."""
    upstream, port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "REDIS_CACHE_URL": settings.REDIS_CACHE_URL,
        "BEHIND_TLS_PROXY": "1",
        "STATIC_MANIFEST": "0",  # no collectstatic here
        "EMAIL_HOST": "",
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{upstream}",
        "GUNICORN_ACCESS_LOG": "",
    }
    env.pop("TRUSTED_PROXY_COUNT", None)  # the default, one proxy
    (tmp_path / "nginx.conf").write_text(
        NGINX_CONF.format(tmp=tmp_path, port=port, upstream=upstream)
    )
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    nginx = [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    nginx += ["-e", str(tmp_path / "nginx-error.log"), "-g", "daemon off;"]
    with (
        process(
            [*gunicorn, "--config", "python:config.gunicorn"],
            log_path=tmp_path / "gunicorn.log",
            env=env,
        ) as web,
        process(nginx, log_path=tmp_path / "nginx.log") as proxy,
    ):
        try:
            wait_until_served(port, web, proxy)
        except AssertionError:
            for log in ("gunicorn.log", "nginx.log", "nginx-error.log"):
                if (tmp_path / log).exists():
                    print(f"--- {log}\n{(tmp_path / log).read_text()}")
            raise
        yield port


def wait_until_served(port, *servers, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for server in servers:
            assert server.poll() is None, f"{server.args[0]} exited with {server.returncode}"
        try:
            if Client(port, "127.0.0.1").request("GET", reverse("health"))[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("the site did not answer through nginx in time")


def test_through_nginx_each_client_is_locked_out_alone_whatever_it_claims(proxied_site):
    person = UserFactory()
    # A hasher gunicorn knows (the tests' own fast one is not in the production list), with
    # cheap parameters read back from the hash; PBKDF2 would pad each failure to its full cost.
    hasher = ScryptPasswordHasher()
    person.password = hasher.encode(PASSWORD, hasher.salt(), n=2**10)
    person.save()
    # Addresses of this run's own, so that another run on the same Redis counts apart.
    prefix = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}"
    attacker, other = Client(proxied_site, f"{prefix}.2"), Client(proxied_site, f"{prefix}.3")

    # The attacker claims to be the other client: five failures lock the attacker out...
    statuses = [attacker.login(person.email, "mauvais", other.address) for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    # ...who cannot escape by claiming yet another address, even with the right password...
    assert attacker.login(person.email, PASSWORD, f"{prefix}.99") == 429
    # ...while the other client, behind the same proxy, still logs in.
    assert other.login(person.email, PASSWORD) == 302
