"""A full room (loopback only): participants join a workshop by its code within the ramp-up,
then answer question after question through the diagnostic's autosave, thinking 5 to 15 s
before each answer; projection screens poll the live view every 3 s, as htmx does.

Every autosave answered 200 is recorded (respondent, question): at the end, OUT/sent.json
holds them, to be counted against the answers stored in the database (count.py)."""

import json
import os
import random
import re
from pathlib import Path

from locust import between, constant_pacing, events, task
from locust.contrib.fasthttp import FastHttpUser
from requests.cookies import create_cookie

OUT = Path(os.environ.get("OUT", "artifacts/load-workshop"))
SETUP = json.loads((OUT / "workshop.json").read_text())
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SENT: set[tuple[int, int]] = set()
QUESTION = re.compile(r'hx-post="(/diagnostic/repondre/(\d+)/question/(\d+)/)"')
NEXT = re.compile(r'href="\?partie=([a-z_]+)">Dimension suivante')


def _form(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


class Participant(FastHttpUser):
    wait_time = between(5, 15)
    weight = int(os.environ.get("LOAD_PARTICIPANTS", "300"))

    def on_start(self):
        self.referer = self.host + "/"
        join = f"/atelier/rejoindre/{SETUP['code']}/"
        self.client.get(join, name="rejoindre (page)")
        response = self.client.post(
            join,
            _form({"csrfmiddlewaretoken": self._csrf(), "group": random.randrange(4)}),
            headers={**FORM, "Referer": self.host + join},
            name="rejoindre (groupe)",
            allow_redirects=False,
        )
        self.page = response.headers.get("Location", "")
        self.questions: list[tuple[str, int, int, list[str]]] = []
        self._load(self.page)

    def _csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name.endswith("csrftoken")), "")

    def _load(self, url: str) -> None:
        """The participant's page: the visible questions of the dimension shown."""
        page = self.client.get(url, name="participant·e (page)")
        text = page.text or ""
        self.questions = []
        for path, respondent, question in QUESTION.findall(text):
            choices = re.findall(rf'name="q{question}" value="(\d+)"', text)
            if choices:
                self.questions.append((path, int(respondent), int(question), choices))
        following = NEXT.search(text)
        self.next = f"{self.page}?partie={following.group(1)}" if following else None

    @task
    def answer(self):
        if not self.questions:
            if self.next is None:
                return
            self._load(self.next)
            return
        path, respondent, question, choices = self.questions.pop(0)
        with self.client.post(
            path,
            _form({f"q{question}": random.choice(choices)}),
            headers={
                **FORM,
                "HX-Request": "true",
                "X-CSRFToken": self._csrf(),
                "Referer": self.host + self.page,
            },
            name="enregistrement automatique",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "Réponse enregistrée" in (response.text or ""):
                SENT.add((respondent, question))
                response.success()
            else:
                response.failure(f"autosave {response.status_code}")


class Projection(FastHttpUser):
    wait_time = constant_pacing(3)
    weight = 1
    fixed_count = int(os.environ.get("LOAD_VIEWERS", "10"))
    numbers = iter(range(10_000))

    def on_start(self):
        number = next(Projection.numbers)
        self.client.cookiejar.set_cookie(
            create_cookie(
                "__Host-sessionid",
                SETUP["sessions"][number % len(SETUP["sessions"])],
                domain="127.0.0.1",
                secure=True,
            )
        )

    @task
    def poll(self):
        self.client.get(
            f"/atelier/{SETUP['workshop']}/projection/",
            headers={"HX-Request": "true"},
            name="projection (htmx)",
        )


@events.quitting.add_listener
def _write_sent(environment, **kwargs):
    (OUT / "sent.json").write_text(json.dumps(sorted(SENT)))
