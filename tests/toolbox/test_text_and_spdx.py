import pytest
from django.core.exceptions import ValidationError

from toolbox.spdx import SpdxError, parse, validate_spdx_expression
from toolbox.text import normalise, words


def test_normalise_strips_accents_case_and_ligatures():
    assert normalise("Visioconférence d’Équipe — Œuvre") == "visioconference d equipe oeuvre"
    assert normalise("adhérent·es") == "adherent es"


def test_words_are_distinct_and_capped():
    assert words("Équipe equipe ÉQUIPE visio") == ["equipe", "visio"]
    assert len(words(" ".join(f"mot{n}" for n in range(50)))) == 8


@pytest.mark.parametrize(
    "expression",
    [
        "MIT",
        "AGPL-3.0-or-later",
        "GPL-2.0+",
        "MIT OR Apache-2.0",
        "(MIT OR Apache-2.0) AND CECILL-B",
        "GPL-2.0-only WITH Classpath-exception-2.0",
        "LicenseRef-Maison",
        "agpl-3.0-only",
    ],
)
def test_valid_spdx_expressions(expression):
    assert parse(expression)


@pytest.mark.parametrize(
    "expression",
    ["AGPL3", "MIT OR", "(MIT", "MIT Apache-2.0", "MIT WITH Inconnue", "MIT; rm -rf", "OR MIT"],
)
def test_unknown_or_malformed_spdx_is_refused_with_a_message(expression):
    with pytest.raises(SpdxError):
        parse(expression)
    with pytest.raises(ValidationError):
        validate_spdx_expression(expression)


def test_empty_licence_is_allowed_for_proprietary_software():
    validate_spdx_expression("")
