"""The platform's pages as each role reads them, filled with realistic data, for the checks on
what people read: no internal code (tests/test_codes_on_screen.py) and French typography
(tests/test_typography.py).

The pages are those of the URL × role matrix (tests/test_authorisation_matrix.py): every GET
row, for every role it lets in (200), in the matrix's world filled as the demo is: the shipped
questionnaire, roadmap rules and catalogue, a diagnostic completed by organisation A's team
with its inventory and roadmap (results, roadmap, the adviser's client page and prediagnostic
show scores, strengths, priorities and dimensions), a proposal changing a tool's lists and
choices, and A's tools in use.
"""

import random
import re
from html import unescape

from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from tests.test_authorisation_matrix import MATRIX

# What a reader does not see: scripts and styles, comments, and code shown as code (the open
# data documentation names its fields). Attributes go with the tags.
_HIDDEN = re.compile(
    r"<(script|style|pre|code|kbd|samp)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE
)
_TEXTAREA = re.compile(r"<textarea\b[^>]*>.*?</textarea\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# What a tag becomes where spaces matter: no space, no letter, never in a page.
TAG_MARK = "\x00"


def visible_text(html: str, *, textareas: bool = True, tags: str = "\n") -> str:
    """The text of a page as read: tags (and so attributes and URLs) dropped, entities decoded.
    Tags become a line break (or `tags`), so that two texts never join into one word."""
    html = _HIDDEN.sub(tags, html)
    if not textareas:
        html = _TEXTAREA.sub(tags, html)
    return unescape(_TAG.sub(tags, html))


def fill(cast) -> None:
    """The demo's content, and organisation A's diagnostic completed by its team."""
    from django.utils import timezone

    from maturity import roadmap
    from maturity.models import Answer, Diagnostic, InventoryItem, Respondent
    from maturity.results import store_snapshot
    from maturity.structure import structure_for
    from tests.maturity.authz_rows import world
    from tests.toolbox.factories import ProposalFactory, ToolUseFactory
    from tests.workshops.authz_rows import world as workshops_world
    from toolbox.models import Proposal, Tool

    for command in ("load_toolbox", "load_questionnaire", "load_roadmap_rules"):
        call_command(command, verbosity=0)
    base = world(cast)  # A's diagnostic in progress and roadmap, on the shipped questionnaire
    structure = structure_for(base.questionnaire)
    # An earlier diagnostic of A, completed by two of its people (written as completed: A has
    # one diagnostic in progress at a time, the matrix's).
    done = Diagnostic.objects.create(
        organisation=cast.org_a,
        questionnaire=base.questionnaire,
        status=Diagnostic.Status.COMPLETED,
        completed_at=timezone.now(),
        completed_by=cast.users["admin_a"],
    )
    rng = random.Random(1)
    for role in ("admin_a", "member_a"):
        respondent = Respondent.objects.create(
            diagnostic=done, user=cast.users[role], share_answers=True
        )
        Answer.objects.bulk_create(
            Answer(
                respondent=respondent,
                question_id=question.id,
                choice_ids=[rng.choice(question.choices).id],
            )
            for section in structure.sections
            for question in section.questions
            if question.choices and not question.is_multiple
        )
    for usage in structure.inventory.get("usages", [])[:4]:
        for tool in usage["common_tools"][:2]:
            InventoryItem.objects.create(
                diagnostic=done,
                usage=usage["code"],
                tool_name=tool["name"],
                libre=tool["libre"],
                eu_hosted=tool["eu_hosted"],
            )
    store_snapshot(done)  # what completing it does (maturity.services.complete)
    roadmap.generate(done)
    workshops_world(cast)  # A's workshop, built before the pages (each page's own objects go)

    # A proposal that changes lists and choices of a shipped tool, and A's tools in use.
    tool = Tool.objects.filter(status="published").exclude(needs=[]).order_by("name").first()
    ProposalFactory(
        kind=Proposal.Kind.EDIT_TOOL,
        tool=tool,
        base_version=tool.version,
        payload={
            "usages": ["messagerie", "visio"],
            "deployments": ["saas", "self_hosted"],
            "licence_status": "open_core",
            "dimensions": ["collaboration", "securite_rgpd"],
            "needs": tool.needs[:1],
            "recommendation": "watch",
        },
        base_values={
            "usages": tool.usages,
            "deployments": tool.deployments,
            "licence_status": tool.licence_status,
            "dimensions": tool.dimensions,
            "needs": tool.needs,
            "recommendation": tool.recommendation,
        },
    )
    ProposalFactory()  # a new tool, every field proposed
    for other in Tool.objects.filter(status="published").order_by("name")[:3]:
        ToolUseFactory(tool=other, organisation=cast.org_a)


def _render(cast, client_as, role: str) -> list[tuple[str, str]]:
    from identity import services as identity

    client = client_as(role)
    rendered = []
    for name, row in sorted(MATRIX.items()):
        if row.method != "get" or row.expected[role] != 200:
            continue
        # Each row makes its own objects (often under the same names): they go with the page.
        with transaction.atomic():
            url = reverse(name, kwargs=row.kwargs(cast))
            response = client.get(url, row.data(cast))
            transaction.set_rollback(True)
        # The cache outlives the rollback: the identity the logo's row saved and its page read
        # would stay on every later page (its logo, a black rectangle, served by a live server).
        identity.forget()
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end: the file is closed
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue  # files (CSV, PDF, JSON, iCal) have tests of their own
        assert response.status_code == 200, f"GET {url} as {role}: {response.status_code}"
        rendered.append((url, response.content.decode()))
    return rendered


# Pages rendered once per role and test session: both checks read the same pages, and
# rendering them all costs more than both checks.
_RENDERED: dict[str, list[tuple[str, str]]] = {}
_NAMES: dict[str, list[str]] = {}


def pages(cast, client_as, role: str) -> list[tuple[str, str]]:
    """(URL, HTML) of every page of the matrix that `role` may read, in the filled world.
    Every role's pages are rendered on the first call: filling the world once instead of once
    a role saves eight fills (the shipped catalogue, questionnaire and rules, loaded each time)."""
    from tests.conftest import ROLES

    every_role_pages(cast, client_as, ROLES)
    return _RENDERED[role]


def every_role_pages(cast, client_as, roles: list[str]) -> list[tuple[str, str]]:
    """(URL, HTML) of every page of the matrix, for each of `roles`: the world is filled once
    for the roles not rendered yet in this session."""
    if missing := [role for role in roles if role not in _RENDERED]:
        from accounts.models import Organisation, User

        fill(cast)
        for role in missing:
            _RENDERED[role] = _render(cast, client_as, role)
            _NAMES[role] = [o.name for o in Organisation.objects.all()] + [
                u.display_name for u in User.objects.all()
            ]
    return [page for role in roles for page in _RENDERED[role]]


def names(role: str) -> list[str]:
    """The names of the organisations and people of the world the pages were rendered in."""
    return _NAMES[role]
