"""Everyone: the formats of the questionnaire file and of the roadmap rules file, their JSON
Schemas at stable addresses and their versions. Formats, not data: no account needed."""

import functools
import json
from types import ModuleType

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from maturity import questionnaire_format, roadmap_rules_format


def formats_page(request):
    """What each file holds, where its schema is, how to check a file, what changed."""
    return TemplateResponse(
        request,
        "maturity/formats.html",
        {
            "questionnaire": questionnaire_format,
            "rules": roadmap_rules_format,
        },
    )


def questionnaire_schema(request):
    return _schema(request, questionnaire_format)


def rules_schema(request):
    return _schema(request, roadmap_rules_format)


def _schema(request, module: ModuleType) -> HttpResponse:
    url = request.build_absolute_uri(reverse(module.SCHEMA_URL_NAME))
    return HttpResponse(
        _schema_text(module, url), content_type="application/schema+json; charset=utf-8"
    )


@functools.lru_cache(maxsize=8)  # by format and address: a host name allowed by ALLOWED_HOSTS
def _schema_text(module: ModuleType, url: str) -> str:
    return json.dumps(module.schema(url), ensure_ascii=False, indent=2)
