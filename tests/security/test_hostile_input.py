"""Hostile input: random and malicious payloads posted to every URL of the platform, and put in
the query string and the ids of its paths.

The endpoints come from the authorisation matrix (every URL has a row), each tried as the
first role allowed to use it, with the field names its page shows plus a few made-up ones;
the query parameters are those the pages' GET forms and links use, plus a few usual ones.
Asserted: never a 500, and no payload ever comes back unescaped in a rendered page.
"""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROLES
from tests.test_authorisation_matrix import MATRIX, NO_SUCH_ID

pytestmark = pytest.mark.django_db

SCRIPT = "<script>fz()</script>"
ATTRIBUTE = '"><img src=x onerror=fz()>'
UNESCAPED = re.compile(r"<script>fz\(\)|<img src=x onerror=fz", re.I)
HOSTILE = [
    SCRIPT,
    ATTRIBUTE,
    "[lien](javascript:fz())",
    "x" * 100_000,
    "\x00\x01\x08\x1b\x7f",
    "\u202e\u200b\ufeff",
    "-1",
    "0",
    "999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "../../../etc/passwd",
    "{{ request }}{% debug %}",
    "%s%n%x",
    "' OR 1=1 --",
    "😀" * 40,
    "",
    " ",
    # A digit for str.isdigit() that int() refuses, and an id past every integer column.
    "²",
    "9223372036854775808",
]
value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str))
# 500s found by this test in code owned by a part still being built, reported to its owner;
# each line goes once fixed.
PREFERENCE = [
    "admin_a",
    "cress_admin",
    "member_a",
    "adviser_with",
    "ambassador",
    "member_b",
    "anonymous",
]
FIELD = re.compile(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"[^>]*>', re.I)
FILE_FIELD = re.compile(
    r'<input\b[^>]*type="file"[^>]*name="([^"]+)"|<input\b[^>]*name="([^"]+)"[^>]*type="file"', re.I
)
NOT_UTF8 = b"\xff\xfe\xfa%PDF-1.7\x00<script>fz()</script>\xc3\x28"


def read_to_the_end(response) -> None:
    # A streamed file read to its end is closed by the test client without closing the
    # database connection; response.close() would close it inside the test transaction.
    b"".join(response.streaming_content)


def builds_once(cast):
    """Rows build their objects when asked (some with fixed unique names): each builder once."""
    built: dict = {}

    def once(builder):
        if builder not in built:
            built[builder] = builder(cast)
        return built[builder]

    return once


def role_for(row) -> str | None:
    for role in PREFERENCE:
        status = row.expected[role]
        if status in (200, 400) or (status == 302 and role != "anonymous"):
            return role
    return None


def fuzz(*, client, login, label, url, base_data, fields, files, tried):
    """Post every field at once as "²" (a digit to str.isdigit() that int() refuses), then a
    few random hostile payloads (hypothesis, derandomised: repeatable) to one URL."""

    def send(payload):
        login()
        response = client.post(url, payload)
        tried["requests"] += 1
        assert response.status_code < 500, f"{label}: {payload!r}"[:2000]
        if response.streaming:
            read_to_the_end(response)
        else:
            assert not UNESCAPED.search(response.content.decode(errors="replace")), label

    send({**base_data, **dict.fromkeys(fields, "²")})

    @settings(
        max_examples=4,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        data=st.dictionaries(
            st.sampled_from(fields),
            st.one_of(value, st.lists(value, max_size=3)),
            max_size=len(fields),
        ),
        with_file=st.booleans(),
    )
    def post(data, with_file):
        payload = {**base_data, **data}
        if with_file:
            for field in files:
                payload[field] = SimpleUploadedFile(
                    "fiche.pdf", NOT_UTF8, content_type="application/pdf"
                )
        send(payload)

    post()


def test_hostile_payloads_never_cause_a_500_nor_come_back_unescaped(cast, client_for):
    tried = {"endpoints": 0, "requests": 0}
    once = builds_once(cast)

    urls = {name: reverse(name, kwargs=once(row.kwargs)) for name, row in MATRIX.items()}
    for name in sorted(MATRIX):
        row = MATRIX[name]
        role = role_for(row)
        if role is None or name == "account_logout":
            continue
        url = urls[name]
        base_data = once(row.data)
        client = client_for(cast.users[role])
        fields, files = ["id", "pk", "next"], []
        page = client.get(url)
        if page.get("Content-Type", "").startswith("text/html") and not page.streaming:
            html = page.content.decode()
            fields += [f for f in FIELD.findall(html) if f != "csrfmiddlewaretoken"]
            files = [a or b for a, b in FILE_FIELD.findall(html)]
        if page.streaming:
            read_to_the_end(page)
        tried["endpoints"] += 1

        fuzz(
            client=client,
            login=lambda role=role: client_for(cast.users[role]),
            label=f"POST {url} as {role}",
            url=url,
            base_data=base_data,
            fields=sorted(set(fields)),
            files=files,
            tried=tried,
        )

    # Everything stored is shown escaped on every page that can be read.
    for name in sorted(MATRIX):
        row = MATRIX[name]
        if row.method != "get":
            continue
        for role in ROLES:
            if row.expected[role] != 200:
                continue
            client = client_for(cast.users[role])
            response = client.get(urls[name])
            if response.streaming:
                read_to_the_end(response)
            else:
                assert not UNESCAPED.search(response.content.decode(errors="replace")), name
    print(f"hostile input: {tried['endpoints']} endpoints, {tried['requests']} POST requests")
    assert tried["endpoints"] > 100


# Query parameters tried on every page besides those its forms and links use.
USUAL_PARAMETERS = ["page", "o", "q", "sort", "order", "next", "id", "format"]
# Every parameter of a page at once with one value, then random mixes.
EVERY_PARAMETER = ["²", "9223372036854775808", "-1", SCRIPT + ATTRIBUTE]


class QueryNames(HTMLParser):
    """The query parameters a page sends, by target path: the fields of its GET forms and the
    query strings of its links (to this site only)."""

    def __init__(self, url: str, names: dict[str, set[str]]):
        super().__init__(convert_charrefs=True)
        self.url = "http://testserver" + url
        self.names = names
        self.form: str | None = None  # the target path of the GET form being read

    def target(self, href: str) -> tuple[str | None, str]:
        parts = urlsplit(urljoin(self.url, href))
        return (parts.path if parts.netloc == "testserver" else None), parts.query

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.form = self.target(attrs.get("action") or "")[0] if method == "get" else None
        elif tag in ("input", "select", "textarea", "button") and self.form and attrs.get("name"):
            self.names.setdefault(self.form, set()).add(attrs["name"])
        elif tag == "a" and "?" in (attrs.get("href") or ""):
            path, query = self.target(attrs["href"])
            if path:
                keys = {key for key, _value in parse_qsl(query, keep_blank_values=True)}
                self.names.setdefault(path, set()).update(keys)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None


def get(client, url, params, label, tried):
    response = client.get(url, params)
    tried["requests"] += 1
    assert response.status_code < 500, f"{label}: {params!r}"[:2000]
    if response.streaming:
        read_to_the_end(response)
    else:
        assert not UNESCAPED.search(response.content.decode(errors="replace")), label


def fuzz_query(client, url, parameters, label, tried):
    """A few random mixes of hostile values in one page's query string (derandomised)."""

    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        params=st.dictionaries(
            st.sampled_from(parameters),
            st.one_of(value, st.lists(value, max_size=3)),
            min_size=1,
            max_size=len(parameters),
        )
    )
    def request(params):
        get(client, url, params, label, tried)

    request()


def test_hostile_query_strings_never_cause_a_500_nor_come_back_unescaped(cast, client_as):
    tried = {"endpoints": 0, "requests": 0}
    once = builds_once(cast)

    # First every page as it is, to learn the parameters each path is sent.
    pages, names = [], {}
    for name in sorted(MATRIX):
        row = MATRIX[name]
        role = role_for(row)
        if row.method != "get" or role is None:
            continue
        url = reverse(name, kwargs=once(row.kwargs))
        page = client_as(role).get(url)
        if page.streaming:
            read_to_the_end(page)
        elif page.get("Content-Type", "").startswith("text/html"):
            QueryNames(url, names).feed(page.content.decode())
        pages.append((url, role))

    for url, role in pages:
        client = client_as(role)
        parameters = sorted(names.get(url, set()) | set(USUAL_PARAMETERS))
        label = f"GET {url} as {role}"
        tried["endpoints"] += 1
        for hostile in EVERY_PARAMETER:
            get(client, url, dict.fromkeys(parameters, hostile), label, tried)

        fuzz_query(client, url, parameters, label, tried)
    print(f"hostile query strings: {tried['endpoints']} pages, {tried['requests']} GET requests")
    assert tried["endpoints"] > 60


# Past PostgreSQL's integer but within the id columns (bigint); past bigint, SQLite's integers
# included; far past.
HUGE_IDS = [2**31, 2**63, 10**30]


def test_oversized_ids_answer_as_unknown_ids_never_a_500(cast, client_as):
    """Every id of every URL (in its path or its posted data) replaced by a huge number: never
    a 500. Within the id columns, the answer an id that does not exist gets (a 404, a 403 given
    before any lookup, a 400); past them, a path matches no URL (404) and posted data is
    refused as the form refuses it."""
    tried = 0
    once = builds_once(cast)

    for name in sorted(MATRIX):
        row = MATRIX[name]
        role = role_for(row)
        if role is None or name == "account_logout":
            continue
        kwargs, data = once(row.kwargs), once(row.data)
        ids = [("kwargs", key) for key, v in kwargs.items() if isinstance(v, int)]
        ids += [("data", key) for key, v in data.items() if isinstance(v, int)]
        client = client_as(role)
        for part, key in ids:
            answers = {}
            for number in [NO_SUCH_ID, *HUGE_IDS]:
                attempt = {"kwargs": dict(kwargs), "data": dict(data)}
                attempt[part][key] = number
                url = reverse(name, kwargs=attempt["kwargs"])
                response = getattr(client, row.method)(url, attempt["data"])
                if response.streaming:
                    read_to_the_end(response)
                answers[number] = response.status_code
                tried += 1
            label = f"{row.method.upper()} {name} as {role}, {key}"
            assert max(answers.values()) < 500, f"{label}: {answers}"
            assert answers[HUGE_IDS[0]] == answers[NO_SUCH_ID], f"{label}: {answers}"
            if part == "kwargs":
                assert set(answers.values()) <= {answers[NO_SUCH_ID], 404}, f"{label}: {answers}"
    assert tried > 100
