"""Our EcoIndex implementation against the published method's known values."""

import importlib.util
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location(
    "ecoindex", Path(__file__).resolve().parent.parent / "bench" / "ecoindex.py"
)
ecoindex = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ecoindex)


@pytest.mark.parametrize(
    ("dom", "requests", "size_kb", "expected", "letter"),
    [
        (300, 10, 150, 83, "A"),  # the budget given with the method's facts
        (400, 15, 300, 77, "B"),
        (0, 0, 0, 100, "A"),
        (600_000, 4000, 300_000, 0, "G"),
    ],
)
def test_known_values(dom, requests, size_kb, expected, letter):
    value = ecoindex.score(dom, requests, size_kb)
    assert value == expected
    assert ecoindex.grade(value) == letter


def test_eighty_exactly_is_grade_b_and_more_is_worse():
    assert ecoindex.grade(80) == "B" and ecoindex.grade(81) == "A"
    assert ecoindex.score(500, 20, 400) < ecoindex.score(300, 10, 150)


def test_quantile_interpolates_between_bounds():
    assert ecoindex.quantile(ecoindex.Q_DOM, 47) == 1.0
    assert ecoindex.quantile(ecoindex.Q_DOM, 61) == pytest.approx(1.5)
    assert ecoindex.quantile(ecoindex.Q_REQ, 10_000) == 20.0
