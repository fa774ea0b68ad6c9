"""A pytest plugin for mutation runs only (pyproject.toml, [tool.mutmut]).

mutmut runs the tests once per mutant, each run a new pytest session: with SQLite's test
database in memory, each would first build it with every migration. Here the first run keeps it
in a file beside the mutated copy of the project, and every later run works on a copy of its own
(two mutants tested at once never share one)."""

import os
import shutil
from pathlib import Path

# mutants/tests/mutation_db.py → mutants/
ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "test-db.sqlite3"
SUFFIXES = ("", "-wal", "-shm")


def _own_copy() -> Path:
    return ROOT / f"test-db-{os.getpid()}.sqlite3"


# The direct tests of the rules under mutation take a fraction of a second each and kill most
# mutants, while a page test may first build its module's world: run first, they make a killed
# mutant (pytest stops at the first failure) cost seconds rather than half a minute.
# scripts/mutation names a group's direct tests in MUTATION_FIRST.
FIRST = tuple(os.environ.get("MUTATION_FIRST", "test_access.py").split(","))


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.nodeid.split("::")[0].endswith(FIRST))


def pytest_configure(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    name = TEMPLATE
    if TEMPLATE.exists():
        name = _own_copy()
        for suffix in SUFFIXES:
            source = Path(f"{TEMPLATE}{suffix}")
            if source.exists():
                shutil.copyfile(source, f"{name}{suffix}")
    database.setdefault("TEST", {})["NAME"] = str(name)


def pytest_unconfigure(config):
    for suffix in SUFFIXES:
        Path(f"{_own_copy()}{suffix}").unlink(missing_ok=True)
