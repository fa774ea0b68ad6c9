"""The Nu Html Checker (vnu.jar, from the vnu-jar package that .ci/run installs into .tools/vnu),
run once on a batch of pages: one JVM start for hundreds of pages.

Pages served to the browser tests are kept here as they arrive (tests/browser/conftest.py), so
that tests/test_html_validity.py can check them with the matrix's pages, after the browser tests.
"""

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / ".tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# (URL, HTML) of every page the browser tests were served, once per distinct content.
SERVED: dict[str, tuple[str, str]] = {}
# What differs on every load of the same page and says nothing about its markup.
_VOLATILE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"')


def _key(html: str) -> str:
    return hashlib.sha256(_VOLATILE.sub("", html).encode()).hexdigest()


def keep_served(url: str, html: str) -> None:
    SERVED.setdefault(_key(html), (url, html))


def distinct(pages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pages once each: most public pages read the same for every role."""
    unique: dict[str, tuple[str, str]] = {}
    for url, html in pages:
        unique.setdefault(_key(html), (url, html))
    return list(unique.values())


def missing() -> str | None:
    """Why the checker cannot run here, or None."""
    if shutil.which("java") is None:
        return "java is not installed (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        return "vnu.jar is not installed (.ci/run installs the vnu-jar package into .tools/vnu)"
    return None


@dataclass(frozen=True)
class Message:
    url: str
    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        return f"{self.url}:{self.line}: {self.message} — {self.extract.strip()[:160]!r}"


def check(pages: list[tuple[str, str]]) -> tuple[list[Message], list[Message]]:
    """(errors, warnings) of the Nu Html Checker on (URL, HTML) pages, in one run."""
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        files = {}
        for number, (url, html) in enumerate(pages):
            path = Path(folder) / f"{number:05d}.html"
            path.write_text(html, encoding="utf-8")
            files[str(path)] = url
        result = subprocess.run(
            ["java", "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files],
            capture_output=True,
            text=True,
            timeout=600,
        )
    # vnu exits 1 when it reports errors: its JSON says which.
    try:
        messages = json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError) as error:
        raise AssertionError(f"vnu gave no report: {result.stderr[-2000:]}") from error
    errors, warnings = [], []
    for item in messages:
        # vnu names each file by a "file:" URL of the path it was given.
        path = item.get("url", "").removeprefix("file:")
        found = Message(
            url=files.get(path, path),
            line=item.get("lastLine"),
            message=item.get("message", ""),
            extract=item.get("extract", ""),
        )
        if item["type"] == "info" and item.get("subType") == "warning":
            warnings.append(found)
        elif item["type"] != "info":
            errors.append(found)  # "error", and "non-document-error" (a file vnu could not read)
    return errors, warnings
