"""Hostile input: random and malicious payloads posted to every URL of the platform.

The endpoints come from the authorisation matrix (every URL has a row), each tried as the
first role allowed to use it, with the field names its page shows plus a few made-up ones.
Asserted: never a 500, and no payload ever comes back unescaped in a rendered page.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROLES
from tests.test_authorisation_matrix import MATRIX

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


def role_for(row) -> str | None:
    for role in PREFERENCE:
        status = row.expected[role]
        if status in (200, 400) or (status == 302 and role != "anonymous"):
            return role
    return None


def fuzz(*, client, login, label, url, base_data, fields, files, tried):
    """Post a few random hostile payloads to one URL (hypothesis, derandomised: repeatable)."""

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
        login()
        response = client.post(url, payload)
        tried["requests"] += 1
        assert response.status_code < 500, f"{label}: {payload!r}"[:2000]
        if response.streaming:
            read_to_the_end(response)
        else:
            assert not UNESCAPED.search(response.content.decode(errors="replace")), label

    post()


def test_hostile_payloads_never_cause_a_500_nor_come_back_unescaped(cast, client_for):
    tried = {"endpoints": 0, "requests": 0}
    # Rows build their objects when asked (some with fixed unique names): each builder once.
    built: dict = {}

    def once(builder):
        if builder not in built:
            built[builder] = builder(cast)
        return built[builder]

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
