"""Our EcoIndex implementation against the published method's known values."""

import asyncio
import importlib.util
from concurrent.futures import ThreadPoolExecutor
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


def test_same_score_and_grade_as_the_reference_implementation():
    """The method's reference package (ecoindex-compute, a development dependency used only
    here, as published) agrees with ours on pages from empty to enormous."""
    reference = pytest.importorskip("ecoindex.compute.ecoindex")

    async def compare() -> list[tuple]:
        differences = []
        for dom in (0, 10, 47, 61, 150, 300, 347, 457, 559, 1000, 3000, 600_000):
            for requests in (0, 1, 3, 4, 10, 30, 300, 5000):
                for size_kb in (0, 1.37, 50, 95.6, 150, 400, 3000, 300_000):
                    expected = await reference.get_score(dom=dom, size=size_kb, requests=requests)
                    letter = await reference.get_grade(expected)
                    value = ecoindex.score(dom, requests, size_kb)
                    if (value, ecoindex.grade(value)) != (expected, letter):
                        differences.append((dom, requests, size_kb, value, expected))
        return differences

    # In a thread of its own: after the browser tests, Playwright's event loop may still be
    # running in this one, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, compare()).result() == []
