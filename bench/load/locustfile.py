"""Load scenarios (loopback only). `Baseline` hits the minimal health view; `Organisation`
replays an organisation member's visit: home, a diagnostic section, autosaves, the roadmap and
the toolbox. Each simulated user comes with a session opened by prepare.py.

Both use Locust's FastHttpUser (geventhttpclient): on a two-core machine the load injector
shares the processor with the server, and the requests-based client costs several times more
CPU per request, which showed up as server-side queueing in the tails."""

import json
import os
import random
import re
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

USER_NUMBERS = count()
SESSIONS = json.loads((Path(os.environ.get("OUT", "artifacts/load")) / "sessions.json").read_text())
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Baseline(FastHttpUser):
    wait_time = between(0.05, 0.2)

    @task
    def health(self):
        self.client.get("/sante/", name="baseline /sante/")


class Organisation(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.referer = self.host + "/"
        number = next(USER_NUMBERS)
        self.client.cookiejar.set_cookie(
            create_cookie(
                "__Host-sessionid",
                SESSIONS[number % len(SESSIONS)],
                domain="127.0.0.1",
                secure=True,
            )
        )
        self.client.get("/compte/login/", name="jeton CSRF")  # sets the CSRF cookie
        home = self.client.get("/", name="accueil")
        # A person reads each page before the next click (wait_time), on arrival as afterwards.
        self.wait()
        self.org_id = re.search(r'href="/organisations/(\d+)/"', home.text).group(1)
        diagnostics = self.client.get(
            f"/diagnostic/organisation/{self.org_id}/", name="diagnostics"
        )
        self.detail = re.search(r'href="/diagnostic/(\d+)/"', diagnostics.text).group(1)
        self.wait()
        start = self.client.post(
            f"/diagnostic/organisation/{self.org_id}/demarrer/",
            urlencode({"csrfmiddlewaretoken": self._csrf()}),
            headers={**FORM, "Referer": self.referer},
            name="démarrer",
            allow_redirects=False,
        )
        self.respondent = re.search(
            r"/diagnostic/repondre/(\d+)/", start.headers["Location"]
        ).group(1)
        self.wait()
        section = self.client.get(
            f"/diagnostic/repondre/{self.respondent}/partie/securite_rgpd/", name="partie"
        )
        self.questions = [
            (q, re.findall(rf'name="q{q}" value="(\d+)"', section.text))
            for q in re.findall(r'id="qwrap-(\d+)"', section.text)
        ]
        self.questions = [(q, choices) for q, choices in self.questions if choices]

    def _csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name.endswith("csrftoken")), "")

    @task(4)
    def section(self):
        self.client.get(
            f"/diagnostic/repondre/{self.respondent}/partie/securite_rgpd/",
            name="partie du diagnostic",
        )

    @task(6)
    def autosave(self):
        question, choices = random.choice(self.questions)
        self.client.post(
            f"/diagnostic/repondre/{self.respondent}/question/{question}/",
            urlencode({f"q{question}": random.choice(choices)}),
            headers={
                **FORM,
                "HX-Request": "true",
                "X-CSRFToken": self._csrf(),
                "Referer": self.referer,
            },
            name="enregistrement automatique",
        )

    @task(2)
    def home(self):
        self.client.get("/", name="accueil")

    @task(2)
    def roadmap(self):
        self.client.get(
            f"/diagnostic/organisation/{self.org_id}/feuille-de-route/", name="feuille de route"
        )

    @task(1)
    def toolbox(self):
        self.client.get("/outils/?usage=stockage&q=fichiers", name="boîte à outils")
