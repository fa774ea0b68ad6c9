"""The checks a contributor runs (pre-commit, make check) are the ones CI runs, with the same
pinned tools, and the strict type check covers every access module."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# The command a tool installs, when it is not the package's own name.
PACKAGE_OF = {"lint-imports": "import-linter"}


def _dev_pins() -> dict[str, str]:
    pins = {}
    for requirement in PYPROJECT["project"]["optional-dependencies"]["dev"]:
        name, _, version = requirement.partition("==")
        pins[name.lower()] = version
    return pins


def _make_target(name: str) -> str:
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{name}:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert match, name
    return match.group(1)


def test_pre_commit_hooks_run_the_tools_pinned_in_the_dev_extra():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    pins = _dev_pins()
    tools = set()
    for hook in hooks:
        assert hook["language"] == "system", hook["id"]
        tool = re.search(r"\.venv/bin/([\w-]+)", hook["entry"]).group(1)
        assert PACKAGE_OF.get(tool, tool) in pins, tool
        tools.add(tool)
    assert tools == {"ruff", "django-upgrade", "djlint", "lint-imports", "mypy"}
    assert "pre-commit" in pins


def test_make_check_runs_the_checks_of_ci_then_the_tests():
    # The lint step of .ci/run, between its "--- 2." and "--- 3." banners.
    ci = re.search(r"^# --- 2\..*?^# --- 3\.", (ROOT / ".ci" / "run").read_text(), re.M | re.S)
    assert ci
    ci = ci.group(0)
    lint = _make_target("lint")
    for command in (
        "ruff check .",
        "ruff format --check .",
        "lint-imports",
        "mypy",
        "djlint templates --lint",
        "manage.py makemigrations --check --dry-run",
    ):
        assert command in ci and command in lint, command
    assert re.search(r"^check: lint test$", (ROOT / "Makefile").read_text(), re.M)
    # mypy comes after the import layers in CI, as in make lint.
    assert ci.index("bin/lint-imports") < ci.index("bin/mypy")
    assert lint.index("lint-imports") < lint.index("mypy")


def test_every_access_module_is_type_checked_strictly():
    mypy = PYPROJECT["tool"]["mypy"]
    assert mypy["strict"] is True
    checked = set(mypy["files"])
    access_modules = {
        str(path.relative_to(ROOT))
        for path in ROOT.glob("*/access.py")
        if (path.parent / "apps.py").exists()
    }
    assert access_modules and access_modules <= checked
    for module in ("maturity/scoring.py", "maturity/roadmap_rules.py", "maturity/hooks.py"):
        assert module in checked
