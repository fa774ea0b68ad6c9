"""Valid HTML: the Nu Html Checker (tests/html_checker.py) reads every page of the URL × role
matrix, filled with realistic data (tests/rendered_pages.py), and every page the browser tests
were served in this session, in one run: no error. Its warnings are listed, not failed, in
artifacts/html-validity.txt.

The test runs after all the others (tests/conftest.py moves it last), so that the browser
tests' pages are there; run alone, it checks the matrix's pages.
"""

import pytest

from tests.conftest import ROLES
from tests.html_checker import ROOT, SERVED, check, distinct, missing
from tests.rendered_pages import every_role_pages

pytestmark = [
    pytest.mark.after_browser_tests,
    # Run after the browser tests, it may be where their live server's SQLite connections are
    # collected (tests/browser/conftest.py ignores the same warning).
    pytest.mark.filterwarnings("ignore:unclosed database in <sqlite3.Connection:ResourceWarning"),
]

REPORT = ROOT / "artifacts" / "html-validity.txt"


def test_the_checker_names_the_page_and_its_errors():
    """A run that reads nothing reports nothing: the checker must see each page's errors."""
    if reason := missing():
        pytest.skip(reason)
    page = (
        '<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body>'
        '<form hx-post="/x"></form><div aria-labelledby="t"><h1 id="t">T</h1></div></body></html>'
    )
    errors, _warnings = check(
        [
            ("/valide/", page.replace(" hx-", " data-hx-").replace("<div ", '<div role="region" ')),
            ("/invalide/", page),
        ]
    )
    assert {(m.url, m.message.split(" ", 2)[1]) for m in errors} == {
        ("/invalide/", "“hx-post”"),
        ("/invalide/", "“aria-labelledby”"),
    }


def test_every_page_is_valid_html(cast, client_as):
    if reason := missing():
        pytest.skip(reason)
    matrix = distinct(every_role_pages(cast, client_as, ROLES))
    served = list(SERVED.values())
    errors, warnings = check(matrix + served)

    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        f"{len(matrix)} pages of the matrix, {len(served)} pages served to the browser tests: "
        f"{len(errors)} errors, {len(warnings)} warnings\n"
        + "".join(f"error: {m}\n" for m in errors)
        + "".join(f"warning: {m}\n" for m in warnings),
        encoding="utf-8",
    )
    print(REPORT.read_text(encoding="utf-8").splitlines()[0])
    assert len(matrix) >= 100, f"only {len(matrix)} distinct pages rendered"
    assert errors == [], f"{len(errors)} HTML errors:\n" + "\n".join(map(str, errors[:50]))
