"""Texts written by people: Markdown renders in linear time, and every long text has a cap."""

import importlib.util
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from common.text import render_markdown
from tests.ambassadors.factories import EventFactory
from tests.factories import UserFactory
from toolbox.models import Proposal

spec = importlib.util.spec_from_file_location(
    "markdown_bench", Path(__file__).resolve().parent.parent / "bench" / "markdown_bench.py"
)
markdown_bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(markdown_bench)

# Long texts written by the platform itself, never typed by a person.
UNCAPPED_ON_PURPOSE = {
    "toolbox.Tool.search_text",  # derived from the capped fields on save
    "maturity.PdfExport.error",  # the PDF worker's own error message
    "advisers.Consent.consent_text",  # the consent wording, built by advisers.services
    "advisers.AdviserProfile.decision_message",  # capped by accounts.forms.DecisionForm
}


def _field_max(label: str, name: str) -> int:
    return apps.get_model(label)._meta.get_field(name).max_length


@pytest.mark.parametrize(("label", "name"), markdown_bench.MARKDOWN_FIELDS, ids=lambda value: value)
def test_hostile_markdown_at_the_field_maximum_renders_in_under_a_second(label, name):
    limit = _field_max(label, name)
    for input_name, text in markdown_bench.adversarial_inputs(limit).items():
        started = time.process_time()
        render_markdown(text)
        assert time.process_time() - started < 1, input_name


@pytest.mark.django_db
def test_a_public_event_with_a_hostile_description_is_served_at_once(client):
    limit = _field_max("ambassadors.Event", "description")
    event = EventFactory(description="[" * limit)
    client.get(reverse("ambassadors:events"))  # warm-up: templates, first queries
    started = time.process_time()
    response = client.get(event.get_absolute_url())
    assert time.process_time() - started < 1
    assert response.status_code == 200


def test_every_text_people_write_has_a_maximum_length():
    uncapped = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "advisers", "ambassadors", "maturity", "toolbox"}
        and not model.__name__.startswith("Historical")  # copies of the models' fields
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.max_length is None
    }
    assert uncapped == UNCAPPED_ON_PURPOSE


@pytest.mark.django_db
def test_a_tool_description_over_the_cap_is_refused_clearly_and_kept(client):
    client.force_login(UserFactory())
    limit = _field_max("toolbox.Tool", "description")
    response = client.post(
        reverse("toolbox:propose_tool"),
        {
            "name": "Galène",
            "summary": "Visioconférence légère.",
            "description": "x" * (limit + 1),
            "usages": ["visio"],
            "licence_spdx": "MIT",
            "licence_status": "libre",
            "deployments": ["self_hosted"],
            "ease": "3",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert f"au plus {limit} caractères (actuellement {limit + 1})" in body
    assert "Visioconférence légère." in body  # what was typed is kept
    assert not Proposal.objects.exists()
